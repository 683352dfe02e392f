package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite transaction ends with exactly one {@code COMMIT}: the driver's {@code commit()} begins another
 * {@code BEGIN IMMEDIATE} transaction at once, which takes the write lock again and is committed empty when autocommit
 * is set back; {@link Database} leaves the transaction by setting autocommit, one {@code COMMIT} and no write lock
 * taken after it. Counted with SQLite's commit hook on the pooled connection. A rolled-back transaction ends with one
 * {@code ROLLBACK} ({@link TransactionRollbackTest}).
 */
class TransactionCommitTest {

    @TempDir
    Path dir;

    @Test
    void sqlite_transactionCommitsOnce_andTakesNoWriteLockAfterItsCommit() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            SqliteTransactionHooks hooks = SqliteTransactionHooks.on(database);
            AtomicInteger commits = hooks.commits();
            Connection listened = hooks.connection();

            Connection used = database.inTransaction(jdbc -> {
                jdbc.update("CREATE TABLE probe (id INTEGER PRIMARY KEY, v TEXT)");
                jdbc.update("INSERT INTO probe (v) VALUES (?)", "a");
                return SqliteTransactionHooks.connectionOf(jdbc);
            });
            assertThat(used).as("the pool hands out the connection returned last").isSameAs(listened);
            assertThat(commits).as("commits of one transaction").hasValue(1);

            database.inTransactionDeferringSync(jdbc -> jdbc.update("INSERT INTO probe (v) VALUES (?)", "b"));
            assertThat(commits).as("commits after a deferred-sync transaction too").hasValue(2);

            assertThatThrownBy(() -> database.inTransaction(jdbc -> {
                jdbc.update("INSERT INTO probe (v) VALUES (?)", "rolled back");
                throw new IllegalStateException("work failed");
            })).hasMessage("work failed");

            long rows = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM probe"));
            assertThat(rows).as("both committed rows, not the rolled-back one").isEqualTo(2);
            String sync = database.read(jdbc -> jdbc.queryOne("PRAGMA synchronous", row -> row.getString(1))
                    .orElseThrow());
            assertThat(sync).as("back to FULL").isEqualTo("2");
            long again = database.inTransaction(jdbc -> jdbc.count("SELECT COUNT(*) FROM probe"));
            assertThat(again).as("the connection is usable for the next transaction").isEqualTo(2);
        }
    }

    /**
     * review27b M2: a COMMIT that fails (here a deferred foreign key the transaction broke) is thrown, keeps nothing,
     * and leaves no transaction holding the write lock: the next transaction runs at once, not after the 30 s busy
     * timeout and then failing with {@code SQLITE_BUSY}.
     */
    @Test
    void sqlite_aFailedCommit_isThrown_keepsNothing_andHoldsNoLockForTheNextTransaction() {
        try (Database database = Database.sqlite(dir.resolve("catalog.db"))) {
            database.inTransaction(jdbc -> {
                jdbc.update("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
                return jdbc.update("CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id)"
                        + " DEFERRABLE INITIALLY DEFERRED)");
            });

            assertThatThrownBy(() -> database.inTransaction(jdbc -> jdbc.update(
                    "INSERT INTO child (parent) VALUES (42)"))).isInstanceOf(CatalogException.class)
                    .hasStackTraceContaining("FOREIGN KEY constraint failed");

            long started = System.nanoTime();
            database.inTransaction(jdbc -> jdbc.update("INSERT INTO parent (id) VALUES (1)"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not held up by a lock left behind")
                    .isLessThan(Duration.ofSeconds(10));
            long children = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM child"));
            long parents = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM parent"));
            assertThat(children).as("nothing kept").isZero();
            assertThat(parents).isEqualTo(1);
        }
    }
}
