package io.vaultgate.server.ops;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the ops listener listens, how long a verified monitor's or administrator's token is trusted before it is
 * checked (and audited) again, how long a client may take to send a request's head, and how long a connection may
 * stay idle between requests.
 *
 * @param port           TCP port; 0 picks a free one
 * @param tokenCache     how long a token that passed stays accepted without asking the catalog; 0 checks every
 *                       request (a scrape every 15 s would then write an audit event every 15 s)
 * @param tls            serve HTTPS with this context ({@link OpsTls}); empty for plain HTTP
 * @param requestTimeout a connection whose request line and headers (TLS handshake included) have not all arrived
 *                       this long after it opened, or after the previous answer was written, is closed (slowloris:
 *                       a request head sent slowly); {@link #REQUEST_TIMEOUT} unless a test needs less
 * @param maxConnections connections the listener holds open at once, from all sources together
 *                       ({@code ops.max-connections}); past it a connection is closed as it is accepted, before any
 *                       TLS work or read
 * @param idleTimeout    a connection with no request in flight (just opened, or its last answer written) that
 *                       receives no byte for this long is closed ({@code ops.idle-timeout},
 *                       {@link io.vaultgate.https.http.KeepAliveTimeout}),
 *                       so that idle kept-alive connections do not hold places of the connection caps; once bytes of
 *                       a request arrive the request timeout bounds it instead. Longer than {@code requestTimeout} it
 *                       never fires first (the request timeout counts from the same moment)
 */
public record OpsSettings(String bind, int port, Duration tokenCache, Optional<SslContext> tls,
                          Duration requestTimeout, int maxConnections, Duration idleTimeout) {

    /** Ample for a health check or a scrape over a slow link; short enough that half requests do not pile up. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The default of {@code ops.max-connections}: room for every request the workers and their queue may hold
     * ({@link OpsServer#WORKERS} + {@link OpsServer#QUEUE}, 68) and some 30 more for probes, scrapes and status pages.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    /**
     * The default of {@code ops.idle-timeout}, Apache httpd's {@code KeepAliveTimeout}: longer than the status page's
     * 2-second refresh, so a browser showing it keeps its connection, and short enough that a client that opens a
     * connection per poll and leaves it open holds few: at 3 polls a second, 15, within the per-source cap of
     * {@link OpsServer#MAX_CONNECTIONS_PER_ADDRESS}.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(5);

    public OpsSettings {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535; got " + port);
        }
        if (tokenCache.isNegative()) {
            throw new IllegalArgumentException("the token cache duration must not be negative");
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.toMillis() < 1 || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the request timeout must be 1 ms to " + MAX_REQUEST_TIMEOUT
                    + "; got " + requestTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("ops.max-connections: " + maxConnections + " is not allowed; give 1 or "
                    + "more");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.toMillis() < 1 || idleTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("ops.idle-timeout: must be 1 ms to " + MAX_REQUEST_TIMEOUT + "; got "
                    + idleTimeout);
        }
    }

    public OpsSettings(String bind, int port, Duration tokenCache, Optional<SslContext> tls) {
        this(bind, port, tokenCache, tls, REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
    }

    /** Plain HTTP. */
    public OpsSettings(String bind, int port, Duration tokenCache) {
        this(bind, port, tokenCache, Optional.empty());
    }

    /** Loopback, port 9090, tokens re-checked every minute. */
    public static OpsSettings defaults() {
        return new OpsSettings("127.0.0.1", 9090, Duration.ofMinutes(1));
    }

    public OpsSettings withPort(int newPort) {
        return new OpsSettings(bind, newPort, tokenCache, tls, requestTimeout, maxConnections, idleTimeout);
    }

    public OpsSettings withRequestTimeout(Duration timeout) {
        return new OpsSettings(bind, port, tokenCache, tls, timeout, maxConnections, idleTimeout);
    }

    /** At most {@code max} connections open on the listener at once. */
    public OpsSettings withMaxConnections(int max) {
        return new OpsSettings(bind, port, tokenCache, tls, requestTimeout, max, idleTimeout);
    }

    /** Connections idle between requests for {@code timeout} are closed. */
    public OpsSettings withIdleTimeout(Duration timeout) {
        return new OpsSettings(bind, port, tokenCache, tls, requestTimeout, maxConnections, timeout);
    }
}
