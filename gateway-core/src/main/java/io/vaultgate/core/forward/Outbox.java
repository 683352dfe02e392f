package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.files.FileRecord;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The durable outbox of forward jobs. A job is created in the transaction that commits its file
 * ({@link #enqueue}), so a committed file routed to a push site is never lost; workers then lease jobs
 * with {@link #claim}, and report with {@link #complete} or {@link #fail}. Every change after enqueue is
 * a compare-and-set on the job's version: a worker whose lease expired and was taken over cannot
 * overwrite the new owner's outcome. The leases themselves (claim, renewal, giving back, release at a restart,
 * and how a claim's candidates are locked) are {@link OutboxLeases}'s job; this class answers for them. Abandoning a
 * removed site's jobs a page at a time is {@link ForwardsAbandonment}'s, which its callers use directly.
 *
 * <p>Only {@link #enqueue} (in the caller's commit transaction) and {@link #retry} are synced to stable
 * storage before they return. Claims, lease changes and outcomes defer the sync
 * ({@link Database#inTransactionDeferringSync}): a power failure can lose the last of them, which only
 * makes a job due again, and the site's deduplication by idempotency key makes the repeated send harmless.
 * That spares every forwarded file two disk flushes.
 */
public final class Outbox {

    /** How the candidate rows of a claim are locked. */
    public enum Locking {
        /** SQLite: the immediate transaction already serializes writers. */
        NONE(""),
        /** PostgreSQL: concurrent claimers skip rows another claimer holds. */
        SKIP_LOCKED(" FOR UPDATE SKIP LOCKED");

        private final String clause;

        Locking(String clause) {
            this.clause = clause;
        }

        /** What a claim's candidate {@code SELECT} ends with. */
        String clause() {
            return clause;
        }
    }

    /** Told of jobs that went dead while claimed or released, so that they are counted and reported. */
    @FunctionalInterface
    public interface DeadLetters {
        DeadLetters NONE = (job, error) -> { };

        void dead(ForwardJob job, String error);
    }

    private final Database database;
    private final RetryPolicy retry;
    private final SecureRandom random;
    private final OutboxLeases leases;

    /** An outbox whose claims lock as the database needs: {@link Locking#SKIP_LOCKED} on PostgreSQL. */
    public Outbox(Database database, RetryPolicy retry, SecureRandom random) {
        this(database, retry, random, database.dialect() == Dialect.POSTGRESQL ? Locking.SKIP_LOCKED : Locking.NONE);
    }

    public Outbox(Database database, RetryPolicy retry, SecureRandom random, Locking locking) {
        this.database = database;
        this.retry = retry;
        this.random = random;
        this.leases = new OutboxLeases(database, retry, random, locking);
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /**
     * Queues {@code file} for {@code siteId} inside the caller's transaction (the router's commit
     * transaction). Queuing the same file for the same site twice is a no-op; returns whether a job was added.
     */
    public boolean enqueue(Jdbc jdbc, FileRecord file, String siteId, Instant now) throws SQLException {
        return jdbc.update("INSERT INTO forward_jobs (id, file_id, tenant_id, site_id, state, next_attempt_at, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?) "
                        + "ON CONFLICT (file_id, site_id) DO NOTHING", newId(), file.id(), file.tenant().value(),
                siteId, now.toEpochMilli(), now.toEpochMilli(), now.toEpochMilli()) == 1;
    }

    /**
     * Leases up to {@code limit} due jobs of a site to {@code owner} for {@code lease}, in the order their
     * files were committed (so a site's backlog drains in order once it is due, whatever the jitter).
     * A job whose previous lease expired is due again; if that lease was its last allowed attempt it goes
     * dead instead. Jobs of tenants that are not ACTIVE (locked) are not due. The returned jobs carry the
     * version that {@link #complete} and {@link #fail} expect. This is the one place that selects jobs to claim.
     */
    public List<ForwardJob> claim(String siteId, String owner, int limit, Duration lease, Instant now) {
        return leases.claim(siteId, owner, limit, lease, now, leases.deadLetters());
    }

    /**
     * Like {@link #claim(String, String, int, Duration, Instant)}, which reports to the registered sink
     * ({@link #reportDeadLettersTo}); {@code deadLetters} is told, after the commit, of each job that went dead
     * because the lease of its last attempt expired.
     */
    public List<ForwardJob> claim(String siteId, String owner, int limit, Duration lease, Instant now,
                                  DeadLetters deadLetters) {
        return leases.claim(siteId, owner, limit, lease, now, deadLetters);
    }

    /**
     * Releases the jobs leased to {@code owner}, which has just started and so cannot be sending them: they
     * are left over from a process of the same node that died (SIGKILL, power loss). They become due now,
     * instead of after their lease; a job whose last attempt it was goes dead. Returns how many were released.
     */
    public int releaseLeasesOf(String owner, Instant now) {
        return leases.releaseLeasesOf(owner, now, leases.deadLetters());
    }

    /**
     * Where the jobs that {@link #claim(String, String, int, Duration, Instant)} and
     * {@link #releaseLeasesOf(String, Instant)} set DEAD are reported (the node's forwarder registers its
     * accounting), so that they are counted however they were reached, e.g. by the cluster's reaper releasing
     * the leases of a dead node.
     */
    public void reportDeadLettersTo(DeadLetters sink) {
        leases.reportDeadLettersTo(sink);
    }

    /**
     * Like {@link #releaseLeasesOf(String, Instant)}; {@code deadLetters} is told, after the commit, of each job
     * that this call made dead because it was its last attempt (not of one another node's reaper, releasing the same
     * leases at once, made dead: each dead job is reported once in the cluster).
     */
    public int releaseLeasesOf(String owner, Instant now, DeadLetters deadLetters) {
        return leases.releaseLeasesOf(owner, now, deadLetters);
    }

    /**
     * Extends the lease of a job this worker holds, for transfers longer than the lease. The version does
     * not change (the worker's copy stays valid); false if the lease was lost already.
     */
    public boolean renew(ForwardJob job, Duration lease, Instant now) {
        return leases.renew(job, lease, now);
    }

    /**
     * Gives back a job this worker claimed but never sent (it prepared the job as the next one and then
     * stopped, e.g. because the previous file failed): pending again, due as before, and its claim not
     * counted as an attempt. False if the lease was lost meanwhile.
     */
    public boolean release(ForwardJob job, Instant now) {
        return leases.release(job, now);
    }

    /** Work done in the transaction that records a delivery, e.g. its audit event: both are committed or neither. */
    @FunctionalInterface
    public interface WithDelivery {
        void run(Jdbc jdbc) throws SQLException;
    }

    /** Records a delivery; false if the lease was lost (another worker owns the job now). */
    public boolean complete(ForwardJob job, Optional<String> siteDigest, Instant now) {
        return complete(job, siteDigest, now, false, jdbc -> { });
    }

    /**
     * Records a delivery and runs {@code with} in the same transaction (not at all if the lease was lost: then
     * false). With {@code durable} the commit is synced to stable storage before this returns (as the audit
     * log's appends are); without, it defers the sync like the other outcomes.
     */
    public boolean complete(ForwardJob job, Optional<String> siteDigest, Instant now, boolean durable,
                            WithDelivery with) {
        Database.Work<Boolean> work = jdbc -> {
            if (jdbc.update("UPDATE forward_jobs SET state = 'DELIVERED', version = version + 1, site_digest = ?, "
                            + "delivered_at = ?, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, "
                            + "updated_at = ? WHERE id = ? AND version = ?", siteDigest.orElse(null),
                    now.toEpochMilli(), now.toEpochMilli(), job.id(), job.version()) != 1) {
                return false;
            }
            with.run(jdbc);
            return true;
        };
        return durable ? database.inTransaction(work) : database.inTransactionDeferringSync(work);
    }

    /**
     * Records a failed attempt: back to pending after a backoff, or dead when {@code permanent} or out of
     * attempts. Returns the new state, or empty if the lease was lost.
     */
    public Optional<ForwardState> fail(ForwardJob job, String error, boolean permanent, Instant now) {
        ForwardState next = permanent || retry.exhausted(job.attempts()) ? ForwardState.DEAD : ForwardState.PENDING;
        Instant due = next == ForwardState.PENDING ? now.plus(retry.delayAfter(job.attempts(), random)) : now;
        return database.inTransactionDeferringSync(jdbc -> OutboxRows.settle(jdbc, job, next, due, error, now)
                ? Optional.of(next) : Optional.empty());
    }

    /**
     * Settles a job whose file no longer exists (deleted or replaced by its owner, expired, shredded) as ABANDONED
     * with {@code reason}: never sent or retried, and not dead-lettered, since no retry could send it. False if the
     * lease was lost.
     */
    public boolean abandonGone(ForwardJob job, String reason, Instant now) {
        return database.inTransactionDeferringSync(jdbc -> OutboxRows.settle(jdbc, job, ForwardState.ABANDONED,
                job.nextAttemptAt(), reason, now));
    }

    /**
     * Makes a dead job pending again, due now, with a fresh count of attempts. Refused for a job of a removed site
     * (abandoned): nothing is sent to a removed site; and for a job abandoned because its file is gone. The site's row is read under a shared lock, which a site's
     * removal (holding it for update) excludes: a removal committed before is seen, and one starting meanwhile waits
     * for this retry and then finds the job pending. Refused with CONFLICT, changing nothing, if the job changed
     * between its read and the update (another retry, an abandon), instead of answering as if it had been retried.
     */
    public ForwardJob retry(String id, Instant now) {
        return database.inTransaction(jdbc -> {
            String siteId = OutboxRows.find(jdbc, id).orElseThrow(() ->
                    new GatewayException(Reason.NOT_FOUND, "no forward job " + id)).siteId();
            boolean siteRemoved = jdbc.queryOne("SELECT removed_at FROM sites WHERE id = ?"
                    + jdbc.dialect().forShare(), row -> {
                        row.getLong(1);
                        return !row.wasNull();
                    }, siteId).orElse(false);
            ForwardJob job = OutboxRows.find(jdbc, id).orElseThrow();
            if (siteRemoved) {
                throw new GatewayException(Reason.CONFLICT, "forward job " + id + " is " + job.state() + ": its site "
                        + job.siteId() + " was removed, and nothing is sent to a removed site");
            }
            if (job.state() == ForwardState.ABANDONED) {
                throw new GatewayException(Reason.CONFLICT, "forward job " + id + " is ABANDONED: "
                        + job.lastError().orElse("it is never sent"));
            }
            if (job.state() != ForwardState.DEAD) {
                throw new GatewayException(Reason.CONFLICT, "forward job " + id + " is " + job.state()
                        + "; only DEAD jobs can be retried");
            }
            if (jdbc.update("UPDATE forward_jobs SET state = 'PENDING', version = version + 1, attempts = 0, "
                    + "next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? "
                    + "WHERE id = ? AND version = ? AND state = 'DEAD'", now.toEpochMilli(), now.toEpochMilli(), id,
                    job.version()) != 1) {
                throw new GatewayException(Reason.CONFLICT, "forward job " + id + " changed while it was being "
                        + "retried (now " + OutboxRows.find(jdbc, id).map(ForwardJob::state).orElse(job.state())
                        + "); nothing was changed");
            }
            return OutboxRows.find(jdbc, id).orElseThrow();
        });
    }

    public Optional<ForwardJob> find(String id) {
        return database.read(jdbc -> OutboxRows.find(jdbc, id));
    }

    /** Jobs in a state (all when empty), oldest first, at most {@code limit}. */
    public List<ForwardJob> list(Optional<ForwardState> state, int limit) {
        return database.read(jdbc -> state.isPresent()
                ? jdbc.query("SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE state = ? "
                        + "ORDER BY created_at, id LIMIT ?", OutboxRows::map, state.get().name(), limit)
                : jdbc.query("SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs ORDER BY created_at, id LIMIT ?",
                        OutboxRows::map, limit));
    }

    /** The forwarding state of one file, per site: for admins, and for the tenant owning the file. */
    public List<ForwardJob> byFile(String fileId) {
        return database.read(jdbc -> jdbc.query("SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs "
                + "WHERE file_id = ? ORDER BY site_id", OutboxRows::map, fileId));
    }

    /** Sites with at least one job due now. */
    public List<String> sitesWithDueJobs(Instant now) {
        long at = now.toEpochMilli();
        return database.read(jdbc -> jdbc.query("SELECT DISTINCT site_id FROM forward_jobs WHERE " + OutboxLeases.DUE
                + " ORDER BY site_id", row -> row.getString(1), at, at));
    }

    /** Forwards to the site not settled yet (pending or in flight), within {@code jdbc}'s transaction. */
    public long unsettled(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state IN (?, ?)", siteId,
                ForwardState.PENDING.name(), ForwardState.IN_FLIGHT.name());
    }

    /** The site's forwards in {@code state}, counted within {@code jdbc}'s transaction. */
    public long count(Jdbc jdbc, String siteId, ForwardState state) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state = ?", siteId, state.name());
    }

    public long count(ForwardState state) {
        return database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE state = ?", state.name()));
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "fw_" + HexFormat.of().formatHex(bytes);
    }
}
