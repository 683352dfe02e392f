package io.vaultgate.core.forward;

import io.vaultgate.core.forward.DeliveryOutcome.Delivered;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Gone;
import io.vaultgate.core.forward.DeliveryOutcome.Paused;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping of an attempt's end: its outcome recorded in the {@link Outbox} ({@link #record}), then counted
 * ({@link ForwardMetrics}), reported ({@link ForwardEvents}, the audit log) and logged; and the same accounting for
 * a job that went dead without a failed attempt of its own ({@link #wentDead}).
 */
final class ForwardOutcomes {

    /** The attempt's log category, as before this class was split from it, so logging set up for it still applies. */
    private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

    private final Outbox outbox;
    private final ForwardMetrics metrics;
    private final ForwardEvents events;
    private final Clock clock;
    private final GiveBacks giveBacks;

    ForwardOutcomes(Outbox outbox, ForwardMetrics metrics, ForwardEvents events, Clock clock, GiveBacks giveBacks) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.giveBacks = giveBacks;
    }

    /**
     * Records an outcome in the outbox. A delivery and its event (the audit record) are committed in one
     * transaction when the event sink takes part in it, which is then synced to stable storage (as the audit
     * log's own appends are); otherwise the sink is told after the commit. A paused job is given back.
     */
    void record(ForwardJob job, DeliveryOutcome outcome) {
        if (outcome instanceof Delivered delivered) {
            recordDelivery(job, delivered);
            return;
        }
        if (outcome instanceof Gone gone) {
            if (outbox.abandonGone(job, gone.reason(), clock.instant())) {
                LOG.info("forward job {} (file {} to site {}) is ABANDONED: {}", job.id(), job.fileId(), job.siteId(),
                        gone.reason());
            } else {
                LOG.info("forward job {} found its file gone after its lease had been taken over or it was "
                        + "abandoned: {}", job.id(), gone.reason());
            }
            return;
        }
        if (outcome instanceof Paused paused) {
            giveBack(job, paused.reason());
            return;
        }
        Failed failed = (Failed) outcome;
        metrics.failed(job.siteId(), failed.kind());
        Optional<ForwardState> next = outbox.fail(job, failed.message(), failed.permanent(), clock.instant());
        if (next.isEmpty()) {
            LOG.warn("forward job {} failed after its lease had been taken over or it was abandoned: {}", job.id(),
                    failed.message());
        } else if (next.get() == ForwardState.DEAD) {
            deadLetter(job, failed.message(), " [" + failed.kind() + "]");
        } else {
            LOG.warn("forward job {} (file {} to site {}) attempt {} failed [{}]: {}; will retry", job.id(),
                    job.fileId(), job.siteId(), job.attempts(), failed.kind(), failed.message());
        }
    }

    /**
     * A job not sent, given back pending ({@link Outbox#release}): its claim not counted as an attempt, no failure
     * counted; {@code reason} says why it was not sent (a paused job, a failed check before its request). Never
     * throws: if giving it back fails, it is tried again at each poll ({@link GiveBacks}), so that the job is not left
     * leased until its lease expires (then with its claim counted, DEAD if it was its last attempt).
     */
    void giveBack(ForwardJob job, String reason) {
        giveBacks.giveBack(job, reason);
    }

    private void recordDelivery(ForwardJob job, Delivered delivered) {
        boolean inTransaction = events.inTransaction();
        if (outbox.complete(job, delivered.siteDigest(), clock.instant(), inTransaction, jdbc -> {
            if (inTransaction) {
                events.delivered(jdbc, job, delivered);
            }
        })) {
            metrics.delivered(job.siteId());
            if (!inTransaction) {
                report(() -> events.delivered(job, delivered));
            }
            LOG.info("forwarded file {} of tenant {} to site {} (job {}, attempt {})", job.fileId(), job.tenant(),
                    job.siteId(), job.id(), job.attempts());
        } else {
            LOG.warn("forward job {} was delivered but its lease had been taken over (the site deduplicates), or "
                    + "it was abandoned with its site's removal or forgotten with its tenant's shred (the site got "
                    + "the file nevertheless)", job.id());
        }
    }

    /**
     * Accounts for a job that went dead without a failed attempt of its own: the lease of its last attempt
     * expired, or its node restarted during it ({@link Outbox.DeadLetters}).
     */
    void wentDead(ForwardJob job, String error) {
        deadLetter(job, error, "");
    }

    /** The counter, the event sink (audit) and the ERROR line naming the retry command, for every dead job. */
    private void deadLetter(ForwardJob job, String error, String kind) {
        metrics.dead(job.siteId());
        report(() -> events.dead(job, error));
        LOG.error("forward job {} (file {} to site {}) is DEAD after {} attempt(s): {}{}; "
                + "`vaultgate forward retry {}` replays it", job.id(), job.fileId(), job.siteId(), job.attempts(),
                error, kind, job.id());
    }

    private static void report(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("forwarding: reporting an outcome failed", e);
        }
    }
}
