package io.vaultgate.core.catalog;

import java.sql.SQLException;
import java.util.Optional;

/**
 * The tenant's usage counters ({@code tenant_usage}: bytes and files), changed in the transaction that adds,
 * resizes or deletes a file so that they always equal the sums over its files
 * ({@link FileRepository#usageFromFiles}).
 */
final class UsageCounters {

    private UsageCounters() {
    }

    /** A file's tenant and size before a change, its row locked on PostgreSQL until the transaction ends. */
    record Sized(String tenant, long size) {
    }

    static Optional<Sized> sized(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT tenant_id, size FROM files WHERE id = ?" + jdbc.dialect().forUpdate(),
                row -> new Sized(row.getString(1), row.getLong(2)), id);
    }

    static void add(Jdbc jdbc, String tenant, long bytes, long files) throws SQLException {
        if (bytes == 0 && files == 0) {
            return;
        }
        jdbc.update("INSERT INTO tenant_usage (tenant_id, bytes, files) VALUES (?, ?, ?) ON CONFLICT (tenant_id) "
                + "DO UPDATE SET bytes = tenant_usage.bytes + excluded.bytes, "
                + "files = tenant_usage.files + excluded.files", tenant, bytes, files);
    }
}
