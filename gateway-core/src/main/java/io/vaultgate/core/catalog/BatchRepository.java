package io.vaultgate.core.catalog;

import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchStanding;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Batches and their files. State changes are compare-and-set, so two claimers never both win; on
 * PostgreSQL the statements that read batches in order to move them lock them (see {@link Dialect}).
 */
public final class BatchRepository {

    private static final String COLUMNS = "id, route_id, tenant_id, site_id, state, file_count, total_bytes, "
            + "claimed_by, lease_expires_at, created_at, updated_at";
    private static final String BATCH_COLUMNS = String.join(", ",
            Arrays.stream(COLUMNS.split(", ")).map(column -> "b." + column).toList());

    public void insert(Jdbc jdbc, Batch batch) throws SQLException {
        jdbc.update("INSERT INTO batches (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch.id(),
                batch.routeId(), batch.tenant().value(), batch.siteId(), batch.state().name(), batch.fileCount(),
                batch.totalBytes(), batch.claimedBy().orElse(null),
                batch.leaseExpiresAt().map(Instant::toEpochMilli).orElse(null), batch.createdAt().toEpochMilli(),
                batch.updatedAt().toEpochMilli());
    }

    public Optional<Batch> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM batches WHERE id = ?", BatchRepository::map, id);
    }

    /**
     * The batch, its row locked until the transaction ends ({@link Dialect#forUpdate()}): for an action that decides
     * on what it reads (who holds the batch, whether the lease ran out, how many files it has) and then moves it. A
     * release, claim, completion or file joining it on another node either committed before and is read, or waits.
     */
    public Optional<Batch> lock(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM batches WHERE id = ?" + jdbc.dialect().forUpdate(),
                BatchRepository::map, id);
    }

    /**
     * The batch, its row share-locked until the transaction ends ({@link Dialect#forShare()}): for a change elsewhere
     * that is right only while the batch stays as read (an operator's result published into a batch it holds). A
     * completion or release of the batch waits for the transaction, or the transaction for it and reads its outcome.
     */
    public Optional<Batch> lockShared(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM batches WHERE id = ?" + jdbc.dialect().forShare(),
                BatchRepository::map, id);
    }

    /**
     * The batch with whether its tenant is active, in one statement: what a read under a lease re-checks
     * ({@link io.vaultgate.core.batch.LeaseCheck}).
     */
    /**
     * The batch with its tenant's status and whether its holder acknowledged the tenant's current data-handling
     * policy (the rule of {@code PolicyGate}: an acknowledgement of the highest version): one indexed query.
     */
    public Optional<BatchStanding> standing(Jdbc jdbc, String id) throws SQLException {
        String current = "(SELECT MAX(p.version) FROM data_policies p WHERE p.tenant_id = b.tenant_id)";
        return jdbc.queryOne("SELECT " + BATCH_COLUMNS + ", t.status AS tenant_status, "
                + "COALESCE(" + current + ", 0) AS policy_version, "
                + "(SELECT COUNT(*) FROM data_policy_acks a WHERE a.tenant_id = b.tenant_id "
                + "AND a.operator_id = b.claimed_by AND a.version = " + current + ") AS policy_acks "
                + "FROM batches b JOIN tenants t ON t.id = b.tenant_id WHERE b.id = ?",
                row -> {
                    int policy = row.getInt("policy_version");
                    boolean unacknowledged = policy > 0 && row.getLong("policy_acks") == 0;
                    boolean active = TenantStatus.ACTIVE.name().equals(row.getString("tenant_status"));
                    return new BatchStanding(map(row), active,
                            unacknowledged ? OptionalInt.of(policy) : OptionalInt.empty());
                }, id);
    }

    /**
     * The route's open batch, for a transaction that will add a file to it or start it. The route's row is
     * locked first ({@link Dialect#forUpdate()}), so two nodes committing files of one route at once take
     * turns: the second sees the batch the first started instead of starting another.
     */
    public Optional<Batch> openBatch(Jdbc jdbc, String routeId) throws SQLException {
        jdbc.query("SELECT id FROM routes WHERE id = ?" + jdbc.dialect().forUpdate(), row -> row.getString(1), routeId);
        // the batch row too: a close (idle, full, a clash) locks it alone, and a file must not join it after that
        // close committed; on PostgreSQL the locked read waits for the close and then finds no OPEN batch
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM batches WHERE route_id = ? AND state = 'OPEN'"
                + jdbc.dialect().forUpdate(), BatchRepository::map, routeId);
    }

    public List<Batch> bySiteAndState(Jdbc jdbc, String siteId, BatchState state) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM batches WHERE site_id = ? AND state = ? ORDER BY created_at",
                BatchRepository::map, siteId, state.name());
    }

    /**
     * The site's batches not completed (OPEN, READY, CLAIMED), oldest first, locked until the transaction ends
     * ({@link Dialect#forUpdate()}): what a site's removal abandons, so that no claim, completion or lease expiry
     * moves one of them between its read and its change.
     */
    public List<Batch> lockUnfinished(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM batches WHERE site_id = ? AND state IN ('OPEN', 'READY', "
                + "'CLAIMED') ORDER BY created_at, id" + jdbc.dialect().forUpdate(), BatchRepository::map, siteId);
    }

    /**
     * Batches in a state, for a maintenance transaction that may move them on (idle close, lease expiry).
     * On PostgreSQL the rows come locked and rows another transaction holds are skipped
     * ({@link Dialect#skipLocked()}): nodes maintaining at once each take a different batch, and an operator
     * renewing a lease either finishes first (the batch is skipped) or waits and then finds it released, so
     * a renewed lease is never released on a stale read.
     */
    public List<Batch> byState(Jdbc jdbc, BatchState state) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM batches WHERE state = ? ORDER BY created_at"
                + jdbc.dialect().skipLocked(), BatchRepository::map, state.name());
    }

    /** The batches the operator holds at {@code now} ({@link Batch#isHeldBy}), oldest first. */
    public List<Batch> heldBy(Jdbc jdbc, String operatorId, Instant now) throws SQLException {
        return claimedBy(jdbc, operatorId).stream().filter(batch -> batch.isHeldBy(operatorId, now)).toList();
    }

    public List<Batch> claimedBy(Jdbc jdbc, String operatorId) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM batches WHERE state = 'CLAIMED' AND claimed_by = ? "
                + "ORDER BY created_at", BatchRepository::map, operatorId);
    }

    public List<Batch> byTenant(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM batches WHERE tenant_id = ? ORDER BY created_at",
                BatchRepository::map, tenant.value());
    }

    public void addFile(Jdbc jdbc, String batchId, String fileId, long size, Instant now) throws SQLException {
        jdbc.update("INSERT INTO batch_files (batch_id, file_id) VALUES (?, ?)", batchId, fileId);
        jdbc.update("UPDATE batches SET file_count = file_count + 1, total_bytes = total_bytes + ?, updated_at = ? "
                + "WHERE id = ?", size, now.toEpochMilli(), batchId);
    }

    /**
     * Takes a file that is being deleted (by its owner, replaced by its owner's new upload at its path, by retention or
     * a tenant's shredding) out of the batches an operator may still see, open, ready or claimed: each loses the row
     * and the file's count and bytes, so its counters stay what it holds and a route's limits count files its site
     * gets. A completed or abandoned batch keeps what it held when it ended. The batches' {@code updated_at} stays: it
     * is when a file last arrived (idle close) or when the claim was made (the lease).
     *
     * <p>If the file is in such a batch, the rows of all the tenant's routes are locked first, in id order
     * ({@link Dialect#forUpdate()}), before any batch: a commit routing a file locks its routes in that order before
     * their open batches ({@link #openBatch}), and so does a route's removal, so on PostgreSQL a commit replacing a
     * batched file, a client deleting one and a removal closing a route's open batch never each hold a lock another
     * of them waits for.
     */
    public void removeFile(Jdbc jdbc, TenantId tenant, String fileId, long size) throws SQLException {
        List<String> holding = jdbc.query("SELECT b.id FROM batch_files bf JOIN batches b ON b.id = bf.batch_id "
                + "WHERE bf.file_id = ? AND b.state IN ('OPEN', 'READY', 'CLAIMED') ORDER BY b.id",
                row -> row.getString(1), fileId);
        if (holding.isEmpty()) {
            return;
        }
        jdbc.query("SELECT id FROM routes WHERE tenant_id = ? ORDER BY id" + jdbc.dialect().forUpdate(),
                row -> row.getString(1), tenant.value());
        for (String batch : holding) {
            if (jdbc.update("UPDATE batches SET file_count = file_count - 1, total_bytes = total_bytes - ? "
                    + "WHERE id = ? AND state IN ('OPEN', 'READY', 'CLAIMED')", size, batch) == 1) {
                jdbc.update("DELETE FROM batch_files WHERE batch_id = ? AND file_id = ?", batch, fileId);
            }
        }
    }

    /** Ids of the batch's files that still exist. */
    public List<String> fileIds(Jdbc jdbc, String batchId) throws SQLException {
        return jdbc.query("SELECT bf.file_id FROM batch_files bf JOIN files f ON f.id = bf.file_id "
                + "WHERE bf.batch_id = ? ORDER BY f.path", row -> row.getString(1), batchId);
    }

    /**
     * Moves a batch between states if it is in {@code from}; sets or clears the claim. The time is the batch's
     * {@code updated_at}: for a claimed batch, when the claim that started its current lease was made, which
     * {@link io.vaultgate.core.batch.Lease} relies on (a renewal, {@link #renew}, leaves it).
     */
    public boolean transition(Jdbc jdbc, String id, BatchState from, BatchState to, Optional<String> claimedBy,
                              Optional<Instant> leaseExpiresAt, Instant now) throws SQLException {
        return jdbc.update("UPDATE batches SET state = ?, claimed_by = ?, lease_expires_at = ?, updated_at = ? "
                        + "WHERE id = ? AND state = ?", to.name(), claimedBy.orElse(null),
                leaseExpiresAt.map(Instant::toEpochMilli).orElse(null), now.toEpochMilli(), id, from.name()) == 1;
    }

    /**
     * As {@link #transition} from CLAIMED, only while {@code holder} holds the claim: the holder is compared as well as
     * the state, so that an action decided on a stale read (a lease that ran out, was released and then claimed by
     * another operator) never takes, completes or releases that other operator's claim. False if it is not held.
     */
    public boolean transitionClaimed(Jdbc jdbc, String id, String holder, BatchState to, Optional<String> claimedBy,
                                     Optional<Instant> leaseExpiresAt, Instant now) throws SQLException {
        return jdbc.update("UPDATE batches SET state = ?, claimed_by = ?, lease_expires_at = ?, updated_at = ? "
                        + "WHERE id = ? AND state = 'CLAIMED' AND claimed_by = ?", to.name(), claimedBy.orElse(null),
                leaseExpiresAt.map(Instant::toEpochMilli).orElse(null), now.toEpochMilli(), id, holder) == 1;
    }

    /** Moves the lease's expiry of a batch {@code operatorId} holds; the claim time stays. False if it is not held. */
    public boolean renew(Jdbc jdbc, String id, String operatorId, Instant leaseExpiresAt) throws SQLException {
        return jdbc.update("UPDATE batches SET lease_expires_at = ? WHERE id = ? AND state = 'CLAIMED' "
                + "AND claimed_by = ?", leaseExpiresAt.toEpochMilli(), id, operatorId) == 1;
    }

    private static Batch map(ResultSet row) throws SQLException {
        long lease = row.getLong("lease_expires_at");
        Optional<Instant> leaseExpiresAt = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lease));
        return new Batch(row.getString("id"), row.getString("route_id"), new TenantId(row.getString("tenant_id")),
                row.getString("site_id"), BatchState.valueOf(row.getString("state")), row.getLong("file_count"),
                row.getLong("total_bytes"), Optional.ofNullable(row.getString("claimed_by")), leaseExpiresAt,
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("updated_at")));
    }
}
