package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A small, fixed-size pool of catalog connections. Opening a SQLite connection costs a file open and a
 * schema read, which dominated the per-file cost of small uploads; reusing connections removes it. A
 * connection that saw an error is closed rather than returned.
 */
final class ConnectionPool implements AutoCloseable {

    private final DataSource dataSource;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;

    ConnectionPool(DataSource dataSource, int size) {
        this.dataSource = dataSource;
        this.idle = new ArrayBlockingQueue<>(size);
        this.permits = new Semaphore(size, true);
    }

    Connection borrow() throws SQLException {
        try {
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new SQLException("no catalog connection became free within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a catalog connection", e);
        }
        try {
            Connection connection = idle.poll();
            return connection != null && !connection.isClosed() ? connection : dataSource.getConnection();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a healthy connection for reuse; closes a broken one. */
    void release(Connection connection, boolean healthy) {
        try {
            if (healthy && !connection.isClosed() && connection.getAutoCommit() && idle.offer(connection)) {
                return;
            }
            connection.close();
        } catch (SQLException ignored) {
            // a connection that cannot even be closed is gone
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        for (Connection connection = idle.poll(); connection != null; connection = idle.poll()) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
