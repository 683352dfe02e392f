package io.vaultgate.server.config;

import io.vaultgate.core.node.NodeSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog database ({@code catalog.*}). Like {@link KeysConfig}, no key holds a secret: the PostgreSQL
 * password comes from the environment variable named by {@code passwordEnv} when it is set, else from
 * {@code passwordFile} when that file exists, else there is none (trust, peer or certificate login).
 *
 * @param type          the database kind
 * @param path          the SQLite database file, relative to home unless absolute (sqlite only)
 * @param url           {@code jdbc:postgresql://host:port/database[?options]} (postgresql only); may not
 *                      carry a password, which would then be logged; unless every host is loopback or the
 *                      connection goes over a Unix socket, it must set {@code sslmode=verify-full} (or
 *                      {@code verify-ca}): the driver's default, {@code prefer}, neither verifies the server nor
 *                      refuses plaintext, so anyone on the path could read and change the catalog's traffic
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
    private static final Set<String> VERIFYING = Set.of("verify-full", "verify-ca");

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
            requireVerifiedTls(url);
            if (user.isBlank()) {
                throw new ConfigException("catalog.user", "no user for the postgresql catalog",
                        "give the role the gateway logs in as, e.g. vaultgate");
            }
        }
    }

    /**
     * Refuses a connection to a host off this machine that does not verify the server's certificate. pgjdbc reads
     * the URL's parameters as this does: the last {@code sslmode} wins, values are URL-decoded and compared ignoring
     * case; with no {@code sslmode} it tries TLS without verifying and falls back to plaintext.
     */
    private static void requireVerifiedTls(String url) {
        String rest = url.substring(URL_PREFIX.length());
        int query = rest.indexOf('?');
        String authority = query < 0 ? rest : rest.substring(0, query);
        if (authority.indexOf('/') >= 0) {
            authority = authority.substring(0, authority.indexOf('/'));
        }
        List<String> offHost = new ArrayList<>();
        for (String hostAndPort : authority.split(",", -1)) {
            String host = host(hostAndPort);
            if (!LoopbackHost.is(host)) {
                offHost.add(host.isEmpty() ? "(no host: the driver's default)" : host);
            }
        }
        String parameters = query < 0 ? "" : rest.substring(query + 1);
        if (offHost.isEmpty() || unixSocket(parameters)) {
            return;
        }
        Optional<String> mode = parameter(parameters, "sslmode");
        boolean verifying = mode.isPresent() && VERIFYING.contains(mode.get().toLowerCase(Locale.ROOT));
        boolean trustsAnyCertificate = parameter(parameters, "sslfactory").orElse("").endsWith("NonValidatingFactory");
        if (verifying && !trustsAnyCertificate) {
            return;
        }
        String found = mode.isEmpty() ? "no sslmode, so the driver's default prefer"
                : "sslmode=" + mode.get() + (verifying ? " with sslfactory NonValidatingFactory" : "");
        throw new ConfigException("catalog.url", "the connection to " + String.join(", ", offHost) + " does not "
                + "verify the server's TLS certificate (" + found + "), so anyone on the network path could read or "
                + "change the catalog's traffic",
                "add sslmode=verify-full and sslrootcert=<the CA certificate of the server> to the URL, e.g. "
                        + "jdbc:postgresql://db.example.net:5432/vaultgate?sslmode=verify-full&sslrootcert="
                        + "/etc/vaultgate/db-ca.crt (only a loopback host or a Unix socket may go without)");
    }

    /** The host of {@code host[:port]} or {@code [v6]:port}. */
    private static String host(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            return end < 0 ? hostAndPort : hostAndPort.substring(0, end + 1);
        }
        int colon = hostAndPort.indexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /** junixsocket's socket factory: the driver connects to a Unix socket file and ignores the host. */
    private static boolean unixSocket(String parameters) {
        return parameter(parameters, "socketFactory").orElse("").startsWith("org.newsclub.net.unix.AFUNIXSocketFactory");
    }

    /** The value of the last {@code name=} parameter, URL-decoded as the driver does. */
    private static Optional<String> parameter(String parameters, String name) {
        Optional<String> value = Optional.empty();
        for (String pair : parameters.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                try {
                    value = Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    value = Optional.of(pair.substring(eq + 1));
                }
            }
        }
        return value;
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
