package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review27 #10: a SQLite transaction whose work fails ends with one {@code ROLLBACK} and takes no write lock after it
 * (the driver's {@code rollback()} began a new {@code BEGIN IMMEDIATE} transaction at once, waiting for the write lock
 * and committing it empty), and the caller always sees the work's own exception, with a failed rollback added to it
 * as suppressed (the driver's failure replaced it).
 */
class TransactionRollbackTest {

    @TempDir
    Path dir;

    @Test
    void sqlite_aRolledBackTransaction_commitsNothing_andTakesNoWriteLockAfterItsRollback() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            database.inTransaction(jdbc -> jdbc.update("CREATE TABLE probe (id INTEGER PRIMARY KEY, v TEXT)"));
            SqliteTransactionHooks hooks = SqliteTransactionHooks.on(database);
            AtomicInteger commits = hooks.commits();
            AtomicInteger rollbacks = hooks.rollbacks();
            Connection listened = hooks.connection();

            assertThatThrownBy(() -> database.inTransaction(jdbc -> {
                assertThat(SqliteTransactionHooks.connectionOf(jdbc)).as("the pool hands out the connection returned last").isSameAs(listened);
                jdbc.update("INSERT INTO probe (v) VALUES (?)", "rolled back");
                throw new IllegalStateException("work failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("work failed").hasNoSuppressedExceptions();

            assertThat(rollbacks).as("rollbacks").hasValue(1);
            assertThat(commits).as("no write transaction begun and committed after the rollback").hasValue(0);
            long rows = database.read(jdbc -> {
                assertThat(SqliteTransactionHooks.connectionOf(jdbc)).as("the connection went back to the pool").isSameAs(listened);
                return jdbc.count("SELECT COUNT(*) FROM probe");
            });
            assertThat(rows).as("nothing kept").isZero();
            database.inTransaction(jdbc -> jdbc.update("INSERT INTO probe (v) VALUES (?)", "kept"));
            assertThat(commits).as("the next transaction commits as usual").hasValue(1);
            long kept = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM probe"));
            assertThat(kept).isEqualTo(1);
        }
    }

    /**
     * SQLite ends a transaction itself on some failures (a full disk, an I/O error, a trigger's
     * {@code RAISE(ROLLBACK)}); the rollback after it then fails ("no transaction is active"). The caller still gets
     * the work's exception, here the typed one the work turned the refusal into, with the rollback's failure
     * suppressed; the connection is not reused, and the next transaction works.
     */
    @Test
    void sqlite_aRollbackThatFails_isSuppressed_andTheWorksOwnExceptionIsThrown() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            database.inTransaction(jdbc -> {
                jdbc.update("CREATE TABLE probe (id INTEGER PRIMARY KEY, v TEXT)");
                return jdbc.update("CREATE TRIGGER refuse BEFORE INSERT ON probe WHEN NEW.v = 'refused'"
                        + " BEGIN SELECT RAISE(ROLLBACK, 'refused by the trigger'); END");
            });

            AtomicReference<Connection> failed = new AtomicReference<>();
            assertThatThrownBy(() -> database.inTransaction(jdbc -> {
                failed.set(SqliteTransactionHooks.connectionOf(jdbc));
                jdbc.update("INSERT INTO probe (v) VALUES (?)", "before");
                try {
                    return jdbc.update("INSERT INTO probe (v) VALUES (?)", "refused");
                } catch (SQLException refused) {
                    throw new IllegalStateException("the work's own failure", refused);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("the work's own failure")
                    .satisfies(thrown -> assertThat(thrown).rootCause().isInstanceOf(SQLException.class)
                            .hasMessageContaining("refused by the trigger"))
                    .satisfies(thrown -> assertThat(thrown.getSuppressed()).as("the failed rollback").singleElement()
                            .satisfies(rollback -> assertThat(rollback).isInstanceOf(SQLException.class)
                                    .hasMessageContaining("no transaction is active")));

            assertThat(database.inTransaction(SqliteTransactionHooks::connectionOf)).as("the connection is not reused")
                    .isNotSameAs(failed.get());

            assertThatThrownBy(() -> database.inTransaction(jdbc -> jdbc.update(
                    "INSERT INTO probe (v) VALUES (?)", "refused"))).isInstanceOf(CatalogException.class)
                    .as("a work's SQLException is wrapped, with its own cause, not the rollback's")
                    .hasMessage("catalog transaction failed")
                    .hasCauseInstanceOf(SQLException.class)
                    .satisfies(thrown -> assertThat(thrown.getCause()).hasMessageContaining("refused by the trigger"));

            database.inTransaction(jdbc -> jdbc.update("INSERT INTO probe (v) VALUES (?)", "kept"));
            List<String> rows = database.read(jdbc -> jdbc.query("SELECT v FROM probe", row -> row.getString(1)));
            assertThat(rows).as("only the later transaction's row").containsExactly("kept");
        }
    }
}
