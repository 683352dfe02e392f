package io.vaultgate.server.config;

import io.vaultgate.core.node.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param nodeHeartbeat how often a running node records in the catalog that it lives
 * @param nodeDeadAfter how long a node may stay silent before the others presume it dead and recover its uploads;
 *                      at least three heartbeats, and well above the clock difference between nodes
 */
public record CatalogConfig(CatalogType type, Path path, String url, String user, Path passwordFile,
                            String passwordEnv, int poolSize, Duration nodeHeartbeat, Duration nodeDeadAfter) {

    private static final String URL_PREFIX = "jdbc:postgresql://";

    public CatalogConfig {
        Require.present("catalog.type", type);
        Require.path("catalog.path", path);
        Require.present("catalog.url", url);
        Require.present("catalog.user", user);
        Require.path("catalog.password-file", passwordFile);
        Require.envName("catalog.password-env", passwordEnv);
        Require.between("catalog.pool-size", poolSize, 1, 1000);
        Require.between("catalog.node-heartbeat", nodeHeartbeat, Duration.ofMillis(100), Duration.ofMinutes(1));
        Require.between("catalog.node-dead-after", nodeDeadAfter, Duration.ofMillis(300), Duration.ofHours(1));
        if (nodeDeadAfter.compareTo(nodeHeartbeat.multipliedBy(3)) < 0) {
            throw new ConfigException("catalog.node-dead-after", Durations.format(nodeDeadAfter) + " is less than "
                    + "three heartbeats of " + Durations.format(nodeHeartbeat) + ", so a node that misses a beat or "
                    + "two would be presumed dead while it streams", "give at least " + Durations.format(
                    nodeHeartbeat.multipliedBy(3)) + ", or beat more often");
        }
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
                Path.of("secrets/catalog.password"), "VAULTGATE_CATALOG_PASSWORD", 10, NodeSettings.DEFAULT_HEARTBEAT,
                NodeSettings.DEFAULT_DEAD_AFTER);
    }

    /** This node's settings: {@code id} with the configured heartbeat and dead-after time. */
    public NodeSettings node(NodeSettings id) {
        return id.withTiming(nodeHeartbeat, nodeDeadAfter);
    }

    /** One line for the start-up log (never the password); {@code file} is the resolved SQLite file. */
    String describe(Path file) {
        if (type == CatalogType.SQLITE) {
            return "sqlite " + file;
        }
        return "postgresql " + url + " as " + user + " (pool " + poolSize + ")";
    }
}
