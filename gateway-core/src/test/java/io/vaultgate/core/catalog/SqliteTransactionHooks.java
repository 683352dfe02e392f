package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * Counts the commits and rollbacks SQLite reports on one pooled connection of a catalog: the one its pool hands out
 * next, which is the one returned last (the tests check that they use it).
 */
record SqliteTransactionHooks(Connection connection, AtomicInteger commits, AtomicInteger rollbacks) {

    /** Listens on the connection {@code database}'s pool hands out next. */
    static SqliteTransactionHooks on(Database database) {
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger rollbacks = new AtomicInteger();
        Connection connection = database.read(jdbc -> {
            Connection listened = connectionOf(jdbc);
            listened.unwrap(SQLiteConnection.class).addCommitListener(new SQLiteCommitListener() {
                @Override
                public void onCommit() {
                    commits.incrementAndGet();
                }

                @Override
                public void onRollback() {
                    rollbacks.incrementAndGet();
                }
            });
            return listened;
        });
        return new SqliteTransactionHooks(connection, commits, rollbacks);
    }

    /** The JDBC connection under {@code jdbc}. */
    static Connection connectionOf(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT 1", row -> row.getStatement().getConnection()).orElseThrow();
    }
}
