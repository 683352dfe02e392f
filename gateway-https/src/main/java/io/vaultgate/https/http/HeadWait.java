package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.function.LongSupplier;

/**
 * Whether a connection is waiting for a request head, and since when, as {@link ConnectionLimit} needs it to choose
 * which connection of a source at its cap may give its place to a new one. A connection waits from its start (the TLS
 * handshake and the first head ahead) and again from each answer's end (idle between requests, or a next head being
 * sent); it is busy from a whole request head to its answer's end (a body being received, a download being sent, an
 * answer being prepared). {@link RequestHeaderTimeout}, whose clock runs exactly while a connection waits, tells it; on
 * HTTP/2 the connection guard does, whose no-stream timeout runs exactly while no stream is open (review26b L3: an
 * HTTP/2 connection was never evictable). A connection without one (none made by {@link ConnectionLimit}) is left
 * alone.
 */
public final class HeadWait {

    static final AttributeKey<HeadWait> KEY = AttributeKey.valueOf(HeadWait.class, "headWait");

    /** {@link #since} of a busy connection. */
    private static final long BUSY = Long.MAX_VALUE;

    final Channel channel;
    private final LongSupplier clock;
    /** When the wait began ({@link System#nanoTime}, or the limit's clock in tests), or {@link #BUSY}. */
    private volatile long since;

    /** Waiting from now: the connection has just started. */
    HeadWait(Channel channel, LongSupplier clock) {
        this.channel = channel;
        this.clock = clock;
        this.since = clock.getAsLong();
    }

    /** The connection waits for a request from now (its start, its last answer written, its last stream closed). */
    public static void waiting(Channel channel) {
        HeadWait wait = channel.attr(KEY).get();
        if (wait != null) {
            wait.since = wait.clock.getAsLong();
        }
    }

    /** The connection has a request in flight (on HTTP/2: a stream open), or is turning to HTTP/2: not waiting. */
    public static void busy(Channel channel) {
        HeadWait wait = channel.attr(KEY).get();
        if (wait != null) {
            wait.since = BUSY;
        }
    }

    /** How long (nanoseconds) the connection has waited by {@code now}, or -1 while it is busy. */
    long waited(long now) {
        long began = since;
        return began == BUSY ? -1 : Math.max(0, now - began);
    }
}
