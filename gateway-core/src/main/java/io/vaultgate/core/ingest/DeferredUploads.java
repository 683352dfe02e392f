package io.vaultgate.core.ingest;

import io.vaultgate.core.files.FileRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The retry list of {@link Recovery}: interrupted uploads taken over by this node whose recovery failed for a passing
 * cause, each tried again once its back-off is over, first after {@link #FIRST_RETRY}, then doubling up to
 * {@link #LAST_RETRY}. The list is locked only while it is read or changed: a pass's store and key provider work runs
 * outside the lock (and outside {@link Recovery}'s), so a dead node's uploads are taken over while a slow retry waits
 * on its store (review23d L2). One pass runs at a time.
 */
final class DeferredUploads {

    /** The first wait after a failed recovery. */
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    /**
     * The longest wait (review23d L3): an uploader waits at most this long after an outage ends before its upload is
     * resumable again; a pass costs one try per waiting upload, so a short cap costs little.
     */
    static final Duration LAST_RETRY = Duration.ofMinutes(10);

    /** What one try made of an interrupted upload. */
    enum Outcome {
        RESUMABLE,
        /** Discarded, or no longer this list's business (resumed, committed or removed meanwhile). */
        DISCARDED,
        /** Failed for a passing cause: kept as it is, tried again. */
        DEFERRED;

        boolean deferred() {
            return this == DEFERRED;
        }
    }

    /**
     * An upload waiting: {@code since} its first failed recovery (its expiry counts from there), when to try it next,
     * and the wait that led there.
     */
    record Entry(FileRecord file, Instant since, Instant retryAt, Duration backoff) {

        /** The entry after another failed try at {@code now}. */
        Entry next(Instant now) {
            Duration longer = backoff.multipliedBy(2);
            longer = longer.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : longer;
            return new Entry(file, since, now.plus(longer), longer);
        }
    }

    /** One try of a due entry; answers what became of it. */
    @FunctionalInterface
    interface Attempt {
        Outcome retry(Entry entry, Instant now);
    }

    /** By file id; guarded by itself. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Held through a pass, so two passes never try the same upload at once; never taken under {@link #entries}. */
    private final Object passes = new Object();

    /** Remembers {@code file}, whose recovery just failed for a passing cause, to be tried again. */
    void add(FileRecord file, Instant now) {
        Entry entry = new Entry(file, now, now.plus(FIRST_RETRY), FIRST_RETRY);
        synchronized (entries) {
            entries.put(file.id(), entry);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Tries each entry due at {@code now} with {@code attempt}; returns how many became resumable. */
    int retryDue(Instant now, Attempt attempt) {
        synchronized (passes) {
            List<Entry> due = new ArrayList<>();
            synchronized (entries) {
                for (Entry entry : entries.values()) {
                    if (!entry.retryAt().isAfter(now)) {
                        due.add(entry);
                    }
                }
            }
            int recovered = 0;
            for (Entry entry : due) {
                Outcome outcome = attempt.retry(entry, now);
                recovered += outcome == Outcome.RESUMABLE ? 1 : 0;
                synchronized (entries) {
                    if (outcome.deferred()) {
                        entries.put(entry.file().id(), entry.next(now));
                    } else {
                        entries.remove(entry.file().id());
                    }
                }
            }
            return recovered;
        }
    }
}
