package io.vaultgate.core.forward;

import java.io.IOException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Date;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLHandshakeException;

/**
 * The kept-alive connections to one site, built from its TLS context: a worker takes one (an idle one, or
 * a new connection and handshake), sends one request on it, and gives it back if the exchange left it
 * reusable. At most {@link #MAX_IDLE} stay open, none for longer than {@link #IDLE_LIMIT} (below the usual
 * keep-alive timeouts of servers: 60 s for the reference receiver, 75 s for nginx), so a file after a pause
 * rarely meets a connection the site has just closed; if it does, {@link Http1Put} sends it again on a new one.
 *
 * <p>A kept-alive connection carries the verdict of its handshake, so it is reused only while that verdict
 * holds: not once a certificate the site presented has expired, nor once a CRL configured for the site is
 * past its next update (revocation unknown). Then the next file takes a new handshake, which decides again
 * and fails closed. (A changed configuration, e.g. a new CRL, replaces the whole pool: {@link SiteClients}.)
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
    private final ScheduledExecutorService timer;
    private final Instant crlsCurrentUntil;
    private final Clock clock;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    /** @param timer bounds each new connection's handshake by {@code connectTimeout} */
    SiteConnections(SiteForwarding site, SiteTls.Connector connector, Duration connectTimeout,
                    ScheduledExecutorService timer) {
        this(site, connector, connectTimeout, timer, Clock.systemUTC());
    }

    SiteConnections(SiteForwarding site, SiteTls.Connector connector, Duration connectTimeout,
                    ScheduledExecutorService timer, Clock clock) {
        String rawHost = site.endpoint().getHost();
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = site.endpoint().getPort() < 0 ? 443 : site.endpoint().getPort();
        this.connector = connector;
        this.connectTimeout = connectTimeout;
        this.timer = timer;
        this.clock = clock;
        this.crlsCurrentUntil = site.revocationLists().stream().map(X509CRL::getNextUpdate).filter(Objects::nonNull)
                .map(Date::toInstant).min(Comparator.naturalOrder()).orElse(Instant.MAX);
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

    /** An idle connection younger than the idle limit whose handshake's verdict still holds, if any. */
    SiteConnection reuse() {
        long now = System.nanoTime();
        Instant instant = clock.instant();
        synchronized (this) {
            for (Idle next = idle.pollFirst(); next != null; next = idle.pollFirst()) {
                if (now - next.since() < IDLE_LIMIT.toNanos() && !next.connection().isClosed()
                        && stillTrusted(next.connection(), instant)) {
                    return next.connection();
                }
                next.connection().closeQuietly();
            }
        }
        return null;
    }

    private boolean stillTrusted(SiteConnection connection, Instant now) {
        return now.isBefore(connection.certificatesValidUntil()) && now.isBefore(crlsCurrentUntil);
    }

    /**
     * A new connection, handshake done. Its verdict is checked once more here: a TLS session resumed from an
     * earlier handshake (both TLS implementations resume by default) skips the certificate checks, so without
     * this a site certificate that expired, or a CRL that stopped being current, after the first handshake
     * would still be accepted on new connections.
     *
     * @throws SSLHandshakeException if a certificate the site presented has expired or a CRL is not current
     */
    SiteConnection open() throws IOException {
        SiteConnection opened = connector.open(host, port, connectTimeout, timer);
        Instant now = clock.instant();
        if (!stillTrusted(opened, now)) {
            opened.closeQuietly();
            throw new SSLHandshakeException(now.isBefore(opened.certificatesValidUntil())
                    ? "a CRL of the site is not current (next update " + crlsCurrentUntil + "); revocation unknown"
                    : "the site's certificate expired at " + opened.certificatesValidUntil()
                            + " (a resumed TLS session is not trusted past it)");
        }
        return opened;
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
