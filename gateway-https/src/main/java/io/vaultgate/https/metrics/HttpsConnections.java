package io.vaultgate.https.metrics;

import io.micrometer.core.instrument.Counter;
import io.vaultgate.core.defender.ConnectionRefusals;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTPS front-end's connection meters: {@code vaultgate_https_connections_total} (TCP connections
 * accepted, before TLS), {@code vaultgate_https_connections_open} (open now) and
 * {@code vaultgate_https_connections_refused_total} (closed before TLS for a cap, by {@code reason}) and
 * {@code vaultgate_https_connections_evicted_total} (closed while waiting for a request head, so that a new connection
 * of their source at its cap could take the place; {@code ConnectionLimit}). HTTP has no
 * session beyond its connection, so these are also its sessions. {@link #handler()} is shared by every connection and
 * counts it from its first to its last event.
 */
public final class HttpsConnections {

    private static final HttpsConnections NONE = new HttpsConnections(null, null, ConnectionRefusals.none(), null);

    private final AtomicInteger open;
    private final Counter accepted;
    private final ConnectionRefusals refused;
    private final Counter evicted;
    private final ChannelHandler handler = new Handler();

    private HttpsConnections(AtomicInteger open, Counter accepted, ConnectionRefusals refused, Counter evicted) {
        this.open = open;
        this.accepted = accepted;
        this.refused = refused;
        this.evicted = evicted;
    }

    /** Meters registered in {@code registry}. */
    public static HttpsConnections registeredIn(MeterRegistry registry) {
        AtomicInteger open = new AtomicInteger();
        Gauge.builder("vaultgate.https.connections.open", open, AtomicInteger::get)
                .description("HTTPS connections open now").strongReference(true).register(registry);
        Counter accepted = Counter.builder("vaultgate.https.connections")
                .description("HTTPS connections accepted (TCP, before the TLS handshake)").register(registry);
        Counter evicted = Counter.builder("vaultgate.https.connections.evicted")
                .description("HTTPS connections closed while waiting for a request head, for a new connection of"
                        + " their source at its cap").register(registry);
        return new HttpsConnections(open, accepted, ConnectionRefusals.registeredIn(registry, "https",
                "HTTPS connections closed before the TLS handshake for a cap"), evicted);
    }

    /** Counts one connection closed for a new one of its source at the cap; nothing when not metered. */
    public Runnable evictions() {
        Counter counter = evicted;
        return counter == null ? () -> { } : counter::increment;
    }

    /** Counts one connection refused for {@code reason}; nothing when not metered. */
    public Runnable refusals(ConnectionRefusals.Reason reason) {
        return refused.of(reason);
    }

    /** Counting nothing, for a listener nobody scrapes. */
    public static HttpsConnections none() {
        return NONE;
    }

    /** The pipeline handler; put it first, on the network event loop. */
    public ChannelHandler handler() {
        return handler;
    }

    /** Connections open now (0 when not metered). */
    public int open() {
        return open == null ? 0 : open.get();
    }

    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (open != null) {
                open.incrementAndGet();
                accepted.increment();
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (open != null) {
                open.decrementAndGet();
            }
            super.channelInactive(ctx);
        }
    }
}
