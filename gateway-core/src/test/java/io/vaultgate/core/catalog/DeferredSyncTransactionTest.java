package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Database#inTransactionDeferringSync} relaxes the flush of its own commit only: the pooled connection
 * goes back to full synchronous commits afterwards, whether the work committed or threw. (On PostgreSQL it is
 * {@code SET LOCAL}, which ends with the transaction by definition; the test cluster runs with
 * {@code synchronous_commit=off} anyway, so it is not asserted there.)
 */
class DeferredSyncTransactionTest {

    @TempDir
    Path dir;

    @Test
    void sqlite_deferredTransactionRunsWithNormalSync_andTheConnectionReturnsToFull() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            String inside = database.inTransactionDeferringSync(jdbc -> query(jdbc, "PRAGMA synchronous"));
            assertThat(inside).as("NORMAL").isEqualTo("1");
            String after = database.read(jdbc -> query(jdbc, "PRAGMA synchronous"));
            assertThat(after).as("FULL").isEqualTo("2");
            String next = database.inTransaction(jdbc -> query(jdbc, "PRAGMA synchronous"));
            assertThat(next).isEqualTo("2");
        }
    }

    @Test
    void sqlite_everyDeferredTransactionOfAPooledConnection_runsWithNormalSync_andEveryOtherWithFull() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            for (int i = 0; i < 3; i++) {
                String deferred = database.inTransactionDeferringSync(jdbc -> query(jdbc, "PRAGMA synchronous"));
                assertThat(deferred).as("deferred transaction %d", i).isEqualTo("1");
                String full = database.inTransaction(jdbc -> query(jdbc, "PRAGMA synchronous"));
                assertThat(full).as("transaction %d", i).isEqualTo("2");
            }
        }
    }

    @Test
    void sqlite_failedDeferredTransaction_stillRestoresFullSync() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            assertThatThrownBy(() -> database.inTransactionDeferringSync(jdbc -> {
                throw new IllegalStateException("work failed");
            })).hasMessage("work failed");
            String after = database.read(jdbc -> query(jdbc, "PRAGMA synchronous"));
            assertThat(after).isEqualTo("2");
        }
    }

    private static String query(Jdbc jdbc, String sql) throws SQLException {
        return jdbc.queryOne(sql, row -> row.getString(1)).orElseThrow();
    }
}
