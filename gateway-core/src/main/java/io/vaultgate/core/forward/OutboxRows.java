package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The columns of {@code forward_jobs}, their mapping to {@link ForwardJob}, and the row statements that both the
 * {@link Outbox} and its {@link OutboxLeases} use.
 */
final class OutboxRows {

    static final String COLUMNS = "id, file_id, tenant_id, site_id, state, version, attempts, next_attempt_at, "
            + "lease_owner, lease_expires_at, last_error, site_digest, delivered_at, created_at, updated_at";

    private OutboxRows() {
    }

    static ForwardJob map(ResultSet row) throws SQLException {
        return new ForwardJob(row.getString("id"), row.getString("file_id"), new TenantId(row.getString("tenant_id")),
                row.getString("site_id"), ForwardState.valueOf(row.getString("state")), row.getLong("version"),
                row.getInt("attempts"), Instant.ofEpochMilli(row.getLong("next_attempt_at")),
                Optional.ofNullable(row.getString("lease_owner")), instant(row, "lease_expires_at"),
                Optional.ofNullable(row.getString("last_error")), Optional.ofNullable(row.getString("site_digest")),
                instant(row, "delivered_at"), Instant.ofEpochMilli(row.getLong("created_at")),
                Instant.ofEpochMilli(row.getLong("updated_at")));
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /**
     * Bounds an error text to the column and keeps it on one printable line: errors quote what sites sent
     * (header values, status lines), which `vaultgate forward list` prints to an admin's terminal, so no
     * control character (line breaks, escape sequences) is kept.
     */
    static String error(String text) {
        String line = text == null ? "unknown error" : text.replaceAll("[\\p{Cntrl}\\u0080-\\u009f]+", " ").strip();
        return line.length() <= 500 ? line : line.substring(0, 497) + "...";
    }

    /**
     * What {@link ForwardAttempt#stillToSend} checks of a job prepared ahead: its row's state, version and lease owner,
     * its tenant's status and its file's state (empty where the tenant or the file has no row).
     */
    record Recheck(ForwardState state, long version, Optional<String> leaseOwner, Optional<TenantStatus> tenant,
                   Optional<FileState> file) {
    }

    /**
     * The job's {@link Recheck} in one statement (empty if the job has no row): it runs on a worker's critical path
     * before every file prepared ahead, where three reads of whole rows (job, tenant, file) took about 0.4 ms of CPU
     * per file.
     */
    static Optional<Recheck> recheck(Jdbc jdbc, String jobId, TenantId tenant, String fileId) throws SQLException {
        return jdbc.queryOne("SELECT j.state, j.version, j.lease_owner, (SELECT t.status FROM tenants t WHERE t.id = ?), "
                + "(SELECT f.state FROM files f WHERE f.id = ?) FROM forward_jobs j WHERE j.id = ?", row -> {
                    String status = row.getString(4);
                    String file = row.getString(5);
                    return new Recheck(ForwardState.valueOf(row.getString(1)), row.getLong(2),
                            Optional.ofNullable(row.getString(3)),
                            Optional.ofNullable(status).map(TenantStatus::valueOf),
                            Optional.ofNullable(file).map(FileState::valueOf));
                }, tenant.value(), fileId, jobId);
    }

    /** The job as it is now, within {@code jdbc}'s transaction or read. */
    static Optional<ForwardJob> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM forward_jobs WHERE id = ?", OutboxRows::map, id);
    }

    /**
     * Settles a job this worker holds in {@code state}, due at {@code due}, with {@code error} ({@link #error}): a
     * compare-and-set on its version, false if the lease was lost.
     */
    static boolean settle(Jdbc jdbc, ForwardJob job, ForwardState state, Instant due, String error, Instant now)
            throws SQLException {
        return jdbc.update("UPDATE forward_jobs SET state = ?, version = version + 1, next_attempt_at = ?, "
                        + "lease_owner = NULL, lease_expires_at = NULL, last_error = ?, updated_at = ? "
                        + "WHERE id = ? AND version = ?", state.name(), due.toEpochMilli(), error(error),
                now.toEpochMilli(), job.id(), job.version()) == 1;
    }
}
