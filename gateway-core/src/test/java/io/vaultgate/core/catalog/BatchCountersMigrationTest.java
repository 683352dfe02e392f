package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.OldCatalog;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog of the last version before V22, whose batches still count files deleted or replaced since they joined,
 * upgraded on the catalog the run uses (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}): an
 * unfinished batch's counters become what it holds, a completed batch keeps what it held when it ended.
 */
class BatchCountersMigrationTest {

    @TempDir
    Path home;
    private OldCatalog old;
    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
        if (old != null) {
            old.close();
        }
    }

    @Test
    void unfinishedBatchesCountingDeletedFiles_countWhatTheyHold_afterTheUpgrade() throws SQLException {
        old = OldCatalog.at(21, home,
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', 'ACTIVE', "
                        + "'SFTP', 0)",
                "INSERT INTO sites (id, name, created_at) VALUES ('manila', 'Manila', 0)",
                "INSERT INTO routes (id, tenant_id, site_id, mode, path_prefix, created_at) VALUES ('rt_1', 'acme', "
                        + "'manila', 'PULL', '/inbox', 0)",
                file("f_kept", "/inbox/a.csv", 5),
                file("f_done", "/inbox/b.csv", 7),
                batch("b_open", "OPEN", 3, 25),
                batch("b_claimed", "CLAIMED", 1, 4),
                batch("b_done", "COMPLETED", 2, 17),
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_open', 'f_kept')",
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_open', 'f_replaced')",
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_open', 'f_deleted')",
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_claimed', 'f_gone')",
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_done', 'f_done')",
                "INSERT INTO batch_files (batch_id, file_id) VALUES ('b_done', 'f_expired')");

        database = old.upgraded();

        assertThat(rows("SELECT id, file_count, total_bytes FROM batches ORDER BY id"))
                .containsExactly("b_claimed 0 0", "b_done 2 17", "b_open 1 5");
        assertThat(rows("SELECT batch_id, file_id, 0 FROM batch_files ORDER BY batch_id, file_id"))
                .containsExactly("b_done f_done 0", "b_done f_expired 0", "b_open f_kept 0");
    }

    /** Each row's three columns, separated by a space. */
    private List<String> rows(String sql) {
        return database.read(jdbc -> jdbc.query(sql,
                row -> row.getString(1) + " " + row.getString(2) + " " + row.getLong(3)));
    }

    private static String file(String id, String path, long size) {
        return "INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, created_at, updated_at) "
                + "VALUES ('" + id + "', 'acme', 'acc_1', '" + path + "', 'COMMITTED', '" + "0".repeat(32) + "', "
                + size + ", 0, 0)";
    }

    private static String batch(String id, String state, long files, long bytes) {
        return "INSERT INTO batches (id, route_id, tenant_id, site_id, state, file_count, total_bytes, created_at, "
                + "updated_at) VALUES ('" + id + "', 'rt_1', 'acme', 'manila', '" + state + "', " + files + ", "
                + bytes + ", 0, 0)";
    }

}
