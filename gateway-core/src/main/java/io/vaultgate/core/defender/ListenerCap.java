package io.vaultgate.core.defender;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most connections one listener holds open at once, whoever opened them ({@code sftp.max-connections},
 * {@code https.max-connections}). The per-source caps bound what one address (one IPv6 /64) holds; this bounds what
 * many sources hold together, so that they cannot exhaust the process's file descriptors, or its memory with
 * connections that never authenticate. A front-end asks for a place as a connection is accepted, before any TLS or
 * SSH work, and closes the connection at once when there is none.
 *
 * <p>A refusal is counted by the front-end's {@code onRefusal} (its {@code *_connections_refused_total} meter) and
 * logged as a WARN at most once per {@link #LOG_INTERVAL}, with how many were refused since the last such line: a
 * flood at the cap writes one line a minute, not one per connection.
 */
public final class ListenerCap {

    /** At most one log line per this long while connections are being refused. */
    public static final Duration LOG_INTERVAL = RefusalLog.INTERVAL;

    private static final Logger LOG = LoggerFactory.getLogger(ListenerCap.class);

    private final String key;
    private final int max;
    private final Runnable onRefusal;
    private final AtomicInteger open = new AtomicInteger();
    private final RefusalLog refusals;

    /**
     * @param key       the configuration key that sets {@code max}, named in the log line
     * @param onRefusal counts one refused connection
     */
    public ListenerCap(String key, int max, Runnable onRefusal) {
        this(key, max, onRefusal, System::nanoTime);
    }

    ListenerCap(String key, int max, Runnable onRefusal, LongSupplier nanoTime) {
        if (max < 1) {
            throw new IllegalArgumentException(key + ": " + max + " is not allowed; give 1 or more");
        }
        this.key = key;
        this.max = max;
        this.onRefusal = onRefusal;
        this.refusals = new RefusalLog(LOG, nanoTime);
    }

    /**
     * Takes a place for a connection just accepted: true, and the caller must {@link #release} it exactly once when
     * that connection closes; false when the listener is full (counted and perhaps logged): close it unanswered.
     */
    public boolean tryAcquire() {
        while (true) {
            int now = open.get();
            if (now >= max) {
                refuse();
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /**
     * As {@link #tryAcquire()}, but when the listener is full, {@code handOver} may first free a place for the new
     * connection by closing another: when it returns true the other connection's place is this one's (the caller must
     * see that the other does not {@link #release} it, and that this one does, once), and nothing is refused.
     */
    public boolean tryAcquire(BooleanSupplier handOver) {
        while (true) {
            int now = open.get();
            if (now >= max) {
                if (handOver.getAsBoolean()) {
                    return true;
                }
                refuse();
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back the place of a connection that {@link #tryAcquire} admitted, once it closed. */
    public void release() {
        open.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }

    /** Connections holding a place now. */
    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }

    /** Connections refused since start. */
    public long refused() {
        return refusals.refused();
    }

    private void refuse() {
        onRefusal.run();
        refusals.refused(since -> key + ": the listener holds its limit of " + max + " connections; refused " + since
                + " new connection(s) since the last such line (logged at most once a minute). Raise " + key
                + " if they were legitimate clients, if file descriptors and memory allow");
    }
}
