package io.vaultgate.server.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The catalog database ({@code catalog.*}). Like {@link KeysConfig}, no key holds a secret: the PostgreSQL
 * password comes from the environment variable named by {@code passwordEnv} when it is set, else from
 * {@code passwordFile} when that file exists, else there is none (trust, peer or certificate login).
 *
 * @param type          the database kind
 * @param path          the SQLite database file, relative to home unless absolute (sqlite only)
 * @param url           {@code jdbc:postgresql://host:port/database[?options]} (postgresql only); may not
 *                      carry a password, which would then be logged
 * @param user          the PostgreSQL role the gateway logs in as (postgresql only)
 * @param passwordFile  file holding that role's password, relative to home unless absolute
 * @param passwordEnv   environment variable whose value, when set and non-empty, is the password and wins
 *                      over the file; empty to never look in the environment
 * @param poolSize      the most catalog connections one gateway node holds open (postgresql only)
 */
public record CatalogConfig(CatalogType type, Path path, String url, String user, Path passwordFile,
                            String passwordEnv, int poolSize) {

    private static final String URL_PREFIX = "jdbc:postgresql://";

    public CatalogConfig {
        Require.present("catalog.type", type);
        Require.path("catalog.path", path);
        Require.present("catalog.url", url);
        Require.present("catalog.user", user);
        Require.path("catalog.password-file", passwordFile);
        Require.envName("catalog.password-env", passwordEnv);
        Require.between("catalog.pool-size", poolSize, 1, 1000);
        if (type == CatalogType.POSTGRESQL) {
            if (!url.startsWith(URL_PREFIX)) {
                throw new ConfigException("catalog.url", url.isEmpty() ? "no URL for the postgresql catalog"
                        : "not a PostgreSQL JDBC URL " + InvalidValue.quote(url),
                        "give e.g. jdbc:postgresql://db.example.net:5432/vaultgate");
            }
            if (url.toLowerCase(Locale.ROOT).contains("password=")) {
                throw new ConfigException("catalog.url", "the URL carries a password, which would be logged",
                        "remove it; put the password in catalog.password-file or $" + (passwordEnv.isEmpty()
                                ? "the variable named by catalog.password-env" : passwordEnv));
            }
            if (user.isBlank()) {
                throw new ConfigException("catalog.user", "no user for the postgresql catalog",
                        "give the role the gateway logs in as, e.g. vaultgate");
            }
        }
    }

    public static CatalogConfig defaults() {
        return new CatalogConfig(CatalogType.SQLITE, Path.of("catalog.db"), "", "vaultgate",
                Path.of("secrets/catalog.password"), "VAULTGATE_CATALOG_PASSWORD", 10);
    }

    /** One line for the start-up log (never the password); {@code file} is the resolved SQLite file. */
    String describe(Path file) {
        if (type == CatalogType.SQLITE) {
            return "sqlite " + file;
        }
        return "postgresql " + url + " as " + user + " (pool " + poolSize + ")";
    }
}
