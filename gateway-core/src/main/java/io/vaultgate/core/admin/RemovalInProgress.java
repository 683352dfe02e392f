package io.vaultgate.core.admin;

import java.time.Instant;
import java.util.Optional;

/**
 * The command run again on a removed site found its pages another run's, which made progress within
 * {@link RemovedSiteForwards#STALLED} ({@link RemovedSiteForwards#abandon}): it changed nothing, and leaves the
 * forwards to that run, which keeps them, its count and its name on their records.
 */
final class RemovalInProgress extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * How far the run that owns a removed site's pages has come: when the site was removed, when its last page started
     * (empty before its first), and the site's forwards abandoned since its removal (by any run of it or pass; not
     * those abandoned before, such as a job whose file was deleted) and left. The times are the catalog's
     * ({@link io.vaultgate.core.node.CatalogClock}), whichever node wrote them.
     */
    record Progress(Instant removedAt, Optional<Instant> lastPage, long abandoned, long left) {

        /** When the run last made progress: its last page, or before any the site's removal. */
        Instant lastProgress() {
            return lastPage.orElse(removedAt);
        }

        /** From when the command run again takes the site from that run, if it makes no more progress. */
        Instant stalledFrom() {
            return lastProgress().plus(RemovedSiteForwards.STALLED);
        }

        Progress counted(long abandoned, long left) {
            return new Progress(removedAt, lastPage, abandoned, left);
        }
    }

    private final transient Progress progress;
    private final Instant seenAt;

    RemovalInProgress(String siteId, Progress progress, Instant seenAt) {
        super("site " + siteId + ": its removal is running (its last progress at " + progress.lastProgress() + ")");
        this.progress = progress;
        this.seenAt = seenAt;
    }

    /** How far the running removal had come. */
    Progress progress() {
        return progress;
    }

    /** When this was found, after the running removal's last progress. */
    Instant seenAt() {
        return seenAt;
    }
}
