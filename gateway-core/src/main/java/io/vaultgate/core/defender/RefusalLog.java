package io.vaultgate.core.defender;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The WARN lines of a listener's refused connections, at most one per {@link #INTERVAL}, each saying how many were
 * refused since the line before: a flood of connections from one source, or at a listener's cap, writes one line a
 * minute, not one per connection (the refusal meters count every one). Thread-safe.
 */
public final class RefusalLog {

    /** At most one line per this long while connections are being refused. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Logger log;
    private final LongSupplier nanoTime;
    private final AtomicLong refused = new AtomicLong();
    /** {@link #refused} when the last line was written. */
    private final AtomicLong refusedAtLastLine = new AtomicLong();
    /** {@link System#nanoTime()} from which the next line may be written. */
    private final AtomicLong nextLine;

    public RefusalLog(Logger log) {
        this(log, System::nanoTime);
    }

    public RefusalLog(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
        this.nextLine = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * Records one refusal, and writes {@code line}, given how many were refused since the last line (this one
     * included), if a line is due.
     */
    public void refused(LongFunction<String> line) {
        long total = refused.incrementAndGet();
        long now = nanoTime.getAsLong();
        long due = nextLine.get();
        if (now - due >= 0 && nextLine.compareAndSet(due, now + INTERVAL.toNanos())) {
            log.warn(line.apply(total - refusedAtLastLine.getAndSet(total)));
        }
    }

    /** Refusals since start. */
    public long refused() {
        return refused.get();
    }
}
