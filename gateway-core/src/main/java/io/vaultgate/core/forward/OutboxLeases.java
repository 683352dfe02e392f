package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Database;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The leases of the {@link Outbox}'s jobs: workers take due jobs ({@link #claim}), keep them while a transfer outlasts
 * the lease ({@link #renew}) or give back one they never sent ({@link #release}), and a restarted node or the
 * cluster's reaper frees what a stopped process held ({@link #releaseLeasesOf}). A claim draws a fresh random version ({@link #claimVersion}), so even a claim the
 * database lost in a crash is never handed out again under the same version.
 *
 * <p>Claims pick candidates with one {@code SELECT} and take each with a conditional {@code UPDATE}. On SQLite the
 * transaction holds the write lock from its start; on PostgreSQL {@link Locking#SKIP_LOCKED} appends
 * {@code FOR UPDATE SKIP LOCKED} so that nodes claiming at once pass over each other's rows. Like the outbox's
 * outcomes, lease changes defer the sync ({@link Database#inTransactionDeferringSync}).
 */
final class OutboxLeases {

    /**
     * Jobs due now: pending past their backoff, or leased with the lease expired; and only of tenants that
     * are ACTIVE, so a locked tenant's files stay queued (forwarding pauses) until it is unlocked. A
     * subquery rather than a join, so that a locking clause locks only outbox rows. Takes {@code now} twice.
     */
    static final String DUE = "((state = 'PENDING' AND next_attempt_at <= ?) "
            + "OR (state = 'IN_FLIGHT' AND lease_expires_at <= ?)) "
            + "AND tenant_id IN (SELECT id FROM tenants WHERE status = 'ACTIVE')";

    private static final String LEASE_EXPIRED = "the lease of the last attempt expired (worker stopped?)";
    private static final String RELEASED_AT_RESTART = "the node stopped while sending; released at its restart";

    private final Database database;
    private final RetryPolicy retry;
    private final SecureRandom random;
    private final Outbox.Locking locking;
    private volatile Outbox.DeadLetters deadLetters = Outbox.DeadLetters.NONE;

    OutboxLeases(Database database, RetryPolicy retry, SecureRandom random, Outbox.Locking locking) {
        this.database = database;
        this.retry = retry;
        this.random = random;
        this.locking = locking;
    }

    /** See {@link Outbox#reportDeadLettersTo}. */
    void reportDeadLettersTo(Outbox.DeadLetters sink) {
        this.deadLetters = sink;
    }

    /** The sink {@link Outbox#reportDeadLettersTo} registered. */
    Outbox.DeadLetters deadLetters() {
        return deadLetters;
    }

    /** See {@link Outbox#claim(String, String, int, Duration, Instant, Outbox.DeadLetters)}. */
    List<ForwardJob> claim(String siteId, String owner, int limit, Duration lease, Instant now,
                           Outbox.DeadLetters deadLetters) {
        if (limit < 1) {
            return List.of();
        }
        long at = now.toEpochMilli();
        List<ForwardJob> died = new ArrayList<>();
        List<ForwardJob> result = database.inTransactionDeferringSync(jdbc -> {
            died.clear();
            List<ForwardJob> claimed = new ArrayList<>();
            for (ForwardJob job : jdbc.query("SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE site_id = ? "
                    + "AND " + DUE + " ORDER BY created_at, id LIMIT ?" + locking.clause(),
                    OutboxRows::map, siteId, at, at, limit)) {
                if (job.state() == ForwardState.IN_FLIGHT && retry.exhausted(job.attempts())) {
                    if (OutboxRows.settle(jdbc, job, ForwardState.DEAD, job.nextAttemptAt(), LEASE_EXPIRED, now)) {
                        died.add(OutboxRows.find(jdbc, job.id()).orElseThrow());
                    }
                    continue;
                }
                if (jdbc.update("UPDATE forward_jobs SET state = 'IN_FLIGHT', version = ?, "
                        + "attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ? "
                        + "WHERE id = ? AND version = ?", claimVersion(job), owner, now.plus(lease).toEpochMilli(),
                        at, job.id(), job.version()) == 1) {
                    claimed.add(OutboxRows.find(jdbc, job.id()).orElseThrow());
                }
            }
            return claimed;
        });
        died.forEach(job -> deadLetters.dead(job, LEASE_EXPIRED));
        return result;
    }

    /**
     * A claim's version is drawn at random, not counted on: claims commit without a flush, and a claim lost to a
     * crash of the database would otherwise be handed out again, same number, to the next claimant, so that the
     * first worker, still sending, could settle the second one's lease (its failure making a job DEAD that the
     * second then delivers). Never the job's current version, never negative.
     */
    private long claimVersion(ForwardJob job) {
        long version;
        do {
            version = random.nextLong() & Long.MAX_VALUE;
        } while (version == job.version());
        return version;
    }

    /** See {@link Outbox#releaseLeasesOf(String, Instant, Outbox.DeadLetters)}. */
    int releaseLeasesOf(String owner, Instant now, Outbox.DeadLetters deadLetters) {
        long at = now.toEpochMilli();
        String error = OutboxRows.error(RELEASED_AT_RESTART);
        List<ForwardJob> died = new ArrayList<>();
        int released = database.inTransactionDeferringSync(jdbc -> {
            died.clear();
            // each last attempt goes DEAD by a compare-and-set on the version read, so only the jobs this statement
            // changed are reported: another node's reaper releasing the same leases at once (every live node runs it
            // for a dead node, and a restarted node for itself) reports the jobs it made DEAD, this one none of them
            int count = 0;
            for (ForwardJob job : jdbc.query("SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE state = "
                    + "'IN_FLIGHT' AND lease_owner = ? AND attempts >= ?", OutboxRows::map, owner, retry.maxAttempts())) {
                if (jdbc.update("UPDATE forward_jobs SET state = 'DEAD', version = version + 1, lease_owner = NULL, "
                        + "lease_expires_at = NULL, last_error = ?, updated_at = ? WHERE id = ? AND version = ? "
                        + "AND state = 'IN_FLIGHT' AND lease_owner = ?", error, at, job.id(), job.version(), owner) == 1) {
                    count++;
                    died.add(OutboxRows.find(jdbc, job.id()).orElseThrow());
                }
            }
            count += jdbc.update("UPDATE forward_jobs SET state = 'PENDING', version = version + 1, next_attempt_at = ?, "
                    + "lease_owner = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ? "
                    + "WHERE state = 'IN_FLIGHT' AND lease_owner = ? AND attempts < ?", at, error, at, owner,
                    retry.maxAttempts());
            return count;
        });
        died.forEach(job -> deadLetters.dead(job, RELEASED_AT_RESTART));
        return released;
    }

    /** See {@link Outbox#renew}. */
    boolean renew(ForwardJob job, Duration lease, Instant now) {
        return database.inTransactionDeferringSync(jdbc -> jdbc.update("UPDATE forward_jobs SET lease_expires_at = ? "
                        + "WHERE id = ? AND version = ? AND state = 'IN_FLIGHT' AND lease_expires_at > ?",
                now.plus(lease).toEpochMilli(), job.id(), job.version(), now.toEpochMilli()) == 1);
    }

    /** See {@link Outbox#release}. */
    boolean release(ForwardJob job, Instant now) {
        return database.inTransactionDeferringSync(jdbc -> jdbc.update("UPDATE forward_jobs SET state = 'PENDING', "
                        + "version = version + 1, attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL, "
                        + "updated_at = ? WHERE id = ? AND version = ? AND state = 'IN_FLIGHT' AND attempts > 0",
                now.toEpochMilli(), job.id(), job.version()) == 1);
    }
}
