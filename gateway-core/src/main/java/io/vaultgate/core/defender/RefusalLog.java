package io.vaultgate.core.defender;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The WARN lines of a listener's refused connections, at most one per {@link #INTERVAL}, each saying how many were
 * refused since the line before: a flood of connections from one source, or at a listener's cap, writes one line a
 * minute, not one per connection (the refusal meters count every one). Refusals of a per-source cap name the sources
 * refused most since the line before, so that a flood from many sources shows who floods. Thread-safe.
 */
public final class RefusalLog {

    /** At most one line per this long while connections are being refused. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Sources a line names, the most refused first. */
    static final int NAMED_SOURCES = 5;
    /** Sources counted one by one between two lines; refusals of further sources count together (bounded memory). */
    static final int TALLIED_SOURCES = 1000;

    private final Logger log;
    private final LongSupplier nanoTime;
    private final AtomicLong refused = new AtomicLong();
    /** {@link #refused} when the last line was written. */
    private final AtomicLong refusedAtLastLine = new AtomicLong();
    /** {@link System#nanoTime()} from which the next line may be written. */
    private final AtomicLong nextLine;
    private final Map<String, LongAdder> bySource = new ConcurrentHashMap<>();
    private final LongAdder untallied = new LongAdder();

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
        if (lineDue()) {
            log.warn(line.apply(total - refusedAtLastLine.getAndSet(total)));
        }
    }

    /**
     * Records one refusal of {@code source}, and writes {@code line} if a line is due, given what was refused since
     * the last line (this one included), as a phrase: "57 refused since the last such line: 40 from 192.0.2.9, 12
     * from 2001:db8:0:7::/64, 5 from 3 other sources".
     */
    public void refused(String source, Function<String, String> line) {
        long total = refused.incrementAndGet();
        tally(source);
        if (lineDue()) {
            log.warn(line.apply((total - refusedAtLastLine.getAndSet(total)) + " refused since the last such line: "
                    + sourcesSinceLastLine()));
        }
    }

    /** Refusals since start. */
    public long refused() {
        return refused.get();
    }

    private boolean lineDue() {
        long now = nanoTime.getAsLong();
        long due = nextLine.get();
        return now - due >= 0 && nextLine.compareAndSet(due, now + INTERVAL.toNanos());
    }

    private void tally(String source) {
        LongAdder count = bySource.get(source);
        if (count == null && bySource.size() >= TALLIED_SOURCES) {
            untallied.increment();
            return;
        }
        (count != null ? count : bySource.computeIfAbsent(source, key -> new LongAdder())).increment();
    }

    /** The sources refused since the last line, the most refused named first; starts the next line's tally. */
    private String sourcesSinceLastLine() {
        List<Map.Entry<String, Long>> counts = new ArrayList<>();
        for (String source : List.copyOf(bySource.keySet())) {
            LongAdder count = bySource.remove(source);
            if (count != null) {
                counts.add(Map.entry(source, count.sum()));
            }
        }
        counts.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> named = new ArrayList<>();
        for (Map.Entry<String, Long> count : counts.subList(0, Math.min(NAMED_SOURCES, counts.size()))) {
            named.add(count.getValue() + " from " + count.getKey());
        }
        long untalliedSince = untallied.sumThenReset();
        long others = untalliedSince;
        for (Map.Entry<String, Long> count : counts.subList(named.size(), counts.size())) {
            others += count.getValue();
        }
        int otherSources = counts.size() - named.size();
        if (others > 0) { // past the tally's bound, how many more sources is not known
            named.add(others + " from " + (untalliedSince > 0 ? "at least " + (otherSources + 1) : otherSources)
                    + " other source" + (otherSources == 1 && untalliedSince == 0 ? "" : "s"));
        }
        return String.join(", ", named);
    }
}
