package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>A connection chosen to give its place up is claimed ({@link #claim}) with a compare-and-set on its wait, and a
 * completed head marks it busy ({@link #busy}) the same way, so exactly one of the two wins (review26b L2): a
 * connection whose request has begun is never claimed (the evictor looks for another, or refuses the new connection),
 * and one claimed first never begins a request ({@link ApiHandler} drops a head that arrives on it; it is being
 * closed). Before, the choice read the wait and the close followed: a head completing in between had its request
 * started and then cut off.
 */
public final class HeadWait {

    static final AttributeKey<HeadWait> KEY = AttributeKey.valueOf(HeadWait.class, "headWait");

    /** {@link #since} of a busy connection. */
    private static final long BUSY = Long.MAX_VALUE;
    /** {@link #since} of a connection claimed to give its place up: it stays so until it is closed. */
    private static final long CLAIMED = Long.MIN_VALUE;

    final Channel channel;
    private final LongSupplier clock;
    /** When the wait began ({@link System#nanoTime}, or the test clock), or {@link #BUSY} or {@link #CLAIMED}. */
    private final AtomicLong since;

    /** Waiting from now: the connection has just started. */
    HeadWait(Channel channel, LongSupplier clock) {
        this.channel = channel;
        this.clock = clock;
        this.since = new AtomicLong(clock.getAsLong());
    }

    /**
     * The connection waits for a request from now (its start, its last answer written, its last stream closed); one
     * already claimed stays claimed.
     */
    public static void waiting(Channel channel) {
        HeadWait wait = channel.attr(KEY).get();
        if (wait != null) {
            long now = wait.clock.getAsLong();
            wait.since.getAndUpdate(began -> began == CLAIMED ? CLAIMED : now);
        }
    }

    /**
     * The connection has a request in flight (on HTTP/2: a stream open), or is turning to HTTP/2: not waiting.
     *
     * @return false if the connection was claimed first to give its place to a new one: it is being closed, and its
     *         request must not begin
     */
    public static boolean busy(Channel channel) {
        HeadWait wait = channel.attr(KEY).get();
        return wait == null || wait.since.getAndUpdate(began -> began == CLAIMED ? CLAIMED : BUSY) != CLAIMED;
    }

    /**
     * Whether the connection carrying {@code channel} (itself, or on HTTP/2 the connection of the stream {@code
     * channel}) has been claimed to give its place to a new one: a request head arriving on it must not begin.
     */
    public static boolean claimed(Channel channel) {
        Channel connection = channel.parent() != null && channel.parent().hasAttr(KEY) ? channel.parent() : channel;
        HeadWait wait = connection.attr(KEY).get();
        return wait != null && wait.since.get() == CLAIMED;
    }

    /** How long (nanoseconds) the connection has waited by {@code now}, or -1 while it is busy or claimed. */
    long waited(long now) {
        long began = since.get();
        return began == BUSY || began == CLAIMED ? -1 : Math.max(0, now - began);
    }

    /**
     * Claims the connection to give its place up if it has waited {@code evictableAfter} (nanoseconds) by {@code now}
     * and still does: atomically with a head completing on it ({@link #busy}) or an answer's end ({@link #waiting}).
     *
     * @return how long it had waited, or -1 if it did not wait that long (busy, waiting afresh, or claimed already)
     */
    long claim(long now, long evictableAfter) {
        while (true) {
            long began = since.get();
            if (began == BUSY || began == CLAIMED || Math.max(0, now - began) < evictableAfter) {
                return -1;
            }
            if (since.compareAndSet(began, CLAIMED)) {
                return Math.max(0, now - began);
            }
        }
    }
}
