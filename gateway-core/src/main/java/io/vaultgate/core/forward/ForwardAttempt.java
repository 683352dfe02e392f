package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job: make it ready ({@link #prepare}, {@link JobPreparation}), check a job prepared ahead right
 * before it is sent ({@link #stillToSend}), deliver, and record the outcome in the outbox ({@link #record},
 * {@link ForwardOutcomes}).
 */
final class ForwardAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

    private final Database database;
    private final JobPreparation preparation;
    private final SiteDelivery delivery;
    private final ForwardOutcomes outcomes;
    private final Consumer<ForwardJob> beforeLookup;

    /**
     * @param beforeLookup runs on each claimed job right before it is looked up, on the thread that prepares it: the
     *     window between a claim and the lookup, where tests land a lockdown or shred (the forwarder passes a no-op)
     */
    ForwardAttempt(Database database, FileOpener opener, Optional<StoredEnvelopes> envelopes,
                   ForwardingSites sites,
                   SiteClients clients, SiteDelivery delivery, Outbox outbox, ForwardMetrics metrics,
                   ForwardEvents events, Clock clock, GiveBacks giveBacks, Consumer<ForwardJob> beforeLookup) {
        this.database = database;
        this.preparation = new JobPreparation(database, opener, envelopes, sites, clients, delivery);
        this.delivery = delivery;
        this.outcomes = new ForwardOutcomes(outbox, metrics, events, clock, giveBacks);
        this.beforeLookup = beforeLookup;
    }

    /** Runs one claimed job now: prepare, deliver, record the outcome. */
    DeliveryOutcome run(ForwardJob job) {
        return run(prepare(job), () -> { });
    }

    /**
     * Looks up the job's file and site and opens the file, so that its first chunks are read (decrypted) from
     * now on; nothing is sent and nothing recorded yet. Never throws: a failure is kept for {@link #run}.
     */
    PreparedJob prepare(ForwardJob job) {
        beforeLookup.accept(job);
        return preparation.prepare(job);
    }

    /**
     * Delivers a prepared job and records its outcome in the outbox before returning. {@code whileAwaiting}
     * runs between the end of the request and the site's answer, at most once; it must not throw.
     */
    DeliveryOutcome run(PreparedJob prepared, Runnable whileAwaiting) {
        DeliveryOutcome outcome = send(prepared, whileAwaiting);
        record(prepared.job(), outcome);
        return outcome;
    }

    /**
     * Delivers a prepared job and closes what it opened, without recording the outcome: the caller
     * {@linkplain #record records} it, at once or (a delivery) while the next file is sent.
     */
    DeliveryOutcome send(PreparedJob prepared, Runnable whileAwaiting) {
        ForwardJob job = prepared.job();
        DeliveryOutcome outcome;
        try {
            outcome = prepared.deliver(delivery, whileAwaiting);
        } catch (RuntimeException e) {
            outcome = new Failed(Kind.NETWORK, "unexpected failure: " + e, false);
            LOG.error("forward {} of file {} to site {} failed unexpectedly", job.id(), job.fileId(), job.siteId(), e);
        } finally {
            if (!prepared.release() && !prepared.failedAlready()) {
                LOG.warn("forward {}: closing file {} failed", job.id(), job.fileId());
            }
        }
        return outcome;
    }

    /** See {@link ForwardOutcomes#record}. */
    void record(ForwardJob job, DeliveryOutcome outcome) {
        outcomes.record(job, outcome);
    }

    /** See {@link ForwardOutcomes#wentDead}: the sink of {@link Outbox.DeadLetters}. */
    void wentDead(ForwardJob job, String error) {
        outcomes.wentDead(job, error);
    }

    /**
     * Whether a job prepared ahead (while the previous file was sent) may still be sent, checked in one catalog
     * read right before its request starts: the job still leased to this attempt ({@code IN_FLIGHT}, same
     * version and owner), its tenant {@code ACTIVE}, its file {@code COMMITTED}. If not, nothing is sent and what
     * the job opened is closed (its read-ahead stopped, its file and data key released). A job that changed
     * meanwhile (taken over, abandoned with its site, or forgotten with its shredded tenant) is left as it is. A
     * job whose tenant is no longer {@code ACTIVE} ends as one whose lookup found that ({@link TenantGate}): locked
     * down, it is given back pending, its claim not counted as an attempt, so that it is sent once the tenant is
     * unlocked (a claim does not take a locked tenant's jobs); shredded, it is settled ABANDONED, quietly (no
     * failure, no dead letter). A job whose file is gone settles as one that finds its file gone when it is prepared.
     * If the catalog cannot be read the job is given back (a give-back that fails is tried again at each poll,
     * {@link GiveBacks}); if recording that its file is gone or its tenant shredded fails, the job is due again after
     * its lease.
     */
    boolean stillToSend(PreparedJob prepared) {
        ForwardJob job = prepared.job();
        Optional<OutboxRows.Recheck> row;
        try {
            row = database.read(jdbc -> OutboxRows.recheck(jdbc, job.id(), job.tenant(), job.fileId()));
        } catch (RuntimeException e) {
            prepared.close();
            outcomes.giveBack(job, "checking it before sending failed (" + e + ")");
            return false;
        }
        if (row.isEmpty() || row.get().state() != ForwardState.IN_FLIGHT || row.get().version() != job.version()
                || !row.get().leaseOwner().equals(job.leaseOwner())) {
            prepared.close();
            LOG.info("forward job {} (file {} to site {}) was not sent: it changed while it waited to be sent ({})",
                    job.id(), job.fileId(), job.siteId(), row.map(changed -> "now " + changed.state()
                            + changed.leaseOwner().map(owner -> ", leased to " + owner).orElse(""))
                            .orElse("forgotten, with its tenant's shred"));
            return false;
        }
        OutboxRows.Recheck now = row.get();
        Optional<DeliveryOutcome> refused = TenantGate.refusal(job, now.tenant());
        if (refused.isPresent()) {
            prepared.close();
            recordQuietly(job, refused.get());
            return false;
        }
        if (now.file().orElse(null) != FileState.COMMITTED) {
            prepared.close();
            recordQuietly(job, JobPreparation.fileGone(job));
            return false;
        }
        return true;
    }

    /**
     * Records the outcome of a job not sent; a catalog failure is logged and does not end the worker's turn (the job
     * is then due again when its lease expires).
     */
    private void recordQuietly(ForwardJob job, DeliveryOutcome outcome) {
        try {
            record(job, outcome);
        } catch (RuntimeException e) {
            LOG.warn("forward job {} (file {} to site {}) was not sent, but recording that failed ({}); it is due "
                    + "again when its lease expires", job.id(), job.fileId(), job.siteId(), e.toString());
        }
    }
}
