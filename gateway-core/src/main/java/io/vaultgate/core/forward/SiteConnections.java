package io.vaultgate.core.forward;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The kept-alive connections to one site, built from its TLS context: a worker takes one (an idle one, or
 * a new connection and handshake), sends one request on it, and gives it back if the exchange left it
 * reusable. At most {@link #MAX_IDLE} stay open, none for longer than {@link #IDLE_LIMIT} (below the usual
 * keep-alive timeouts of servers: 60 s for the reference receiver, 75 s for nginx), so a file after a pause
 * rarely meets a connection the site has just closed; if it does, {@link Http1Put} sends it again on a new one.
 */
final class SiteConnections implements AutoCloseable {

    static final int MAX_IDLE = SiteForwarding.MAX_CONCURRENCY;
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

    private record Idle(SiteConnection connection, long since) {
    }

    private final String host;
    private final int port;
    private final SiteTls.Connector connector;
    private final Duration connectTimeout;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    SiteConnections(SiteForwarding site, SiteTls.Connector connector, Duration connectTimeout) {
        String rawHost = site.endpoint().getHost();
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = site.endpoint().getPort() < 0 ? 443 : site.endpoint().getPort();
        this.connector = connector;
        this.connectTimeout = connectTimeout;
    }

    /** The {@code Host} header for requests to this site. */
    String authority() {
        String name = host.contains(":") ? "[" + host + "]" : host;
        return port == 443 ? name : name + ":" + port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** An idle connection younger than the idle limit, if any. */
    SiteConnection reuse() {
        long now = System.nanoTime();
        synchronized (this) {
            for (Idle next = idle.pollFirst(); next != null; next = idle.pollFirst()) {
                if (now - next.since() < IDLE_LIMIT.toNanos() && !next.connection().isClosed()) {
                    return next.connection();
                }
                next.connection().closeQuietly();
            }
        }
        return null;
    }

    /** A new connection, handshake done. */
    SiteConnection open() throws IOException {
        return connector.open(host, port, connectTimeout);
    }

    /** Keeps a connection whose exchange completed cleanly for the next request, or closes it. */
    void giveBack(SiteConnection connection) {
        synchronized (this) {
            if (!closed && idle.size() < MAX_IDLE && !connection.isClosed()) {
                idle.addFirst(new Idle(connection, System.nanoTime()));
                return;
            }
        }
        connection.closeQuietly();
    }

    /** Closes the idle connections; connections in use are closed when given back. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (Idle next = idle.pollFirst(); next != null; next = idle.pollFirst()) {
                next.connection().closeQuietly();
            }
        }
    }
}
