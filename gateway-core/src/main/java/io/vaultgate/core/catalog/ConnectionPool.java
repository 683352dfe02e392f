package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A small, fixed-size pool of catalog connections. Opening a SQLite connection costs a file open and a
 * schema read, which dominated the per-file cost of small uploads; reusing connections removes it, and a
 * PostgreSQL connection costs a TCP and authentication round trip more. A connection that saw an error is
 * closed rather than returned. A connection to a server (PostgreSQL) can die while idle, when the server
 * restarts or fails over, so one idle longer than {@code validateAfter} is checked before it is handed out.
 *
 * <p>The most recently returned connection is handed out first. A SQLite connection keeps the pages it read until
 * another connection writes; handed out in turn (the oldest idle first), every transaction of an upload ran on a
 * connection whose cache the previous one had made stale (a gateway's background duties keep several connections
 * in the pool), and read its pages again from the database and the WAL. Handed out that way, the connections at
 * the bottom of the pool may idle for hours after a burst; a connection to a server idle longer than
 * {@code closeAfter} is closed instead of kept, before a firewall or load balancer drops it unannounced (AWS's NAT
 * gateways after 350 s, Azure's load balancers after 4 minutes), which would cost the next burst a validation timeout
 * per dead connection.
 */
final class ConnectionPool implements AutoCloseable {

    private static final int VALIDATION_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;
    private final BlockingDeque<Idle> idle;
    private final Semaphore permits;
    private final long validateAfterNanos;
    private final long closeAfterNanos;

    /**
     * @param validateAfter idle time after which a connection is checked before reuse; null never checks
     *                      (an embedded database's connections do not die on their own)
     * @param closeAfter    idle time after which a connection is closed rather than kept; null keeps it
     */
    ConnectionPool(DataSource dataSource, int size, Duration validateAfter, Duration closeAfter) {
        this.dataSource = dataSource;
        this.idle = new LinkedBlockingDeque<>(size);
        this.permits = new Semaphore(size, true);
        this.validateAfterNanos = validateAfter == null ? Long.MAX_VALUE : validateAfter.toNanos();
        this.closeAfterNanos = closeAfter == null ? Long.MAX_VALUE : closeAfter.toNanos();
    }

    PooledConnection borrow() throws SQLException {
        try {
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new SQLException("no catalog connection became free within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a catalog connection", e);
        }
        try {
            for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
                if (usable(candidate)) {
                    return candidate.pooled();
                }
                closeQuietly(candidate.pooled());
            }
            return new PooledConnection(dataSource.getConnection());
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private boolean usable(Idle candidate) throws SQLException {
        Connection connection = candidate.pooled().connection();
        if (connection.isClosed()) {
            return false;
        }
        return System.nanoTime() - candidate.since() < validateAfterNanos
                || connection.isValid(VALIDATION_TIMEOUT_SECONDS);
    }

    /** Returns a healthy connection for reuse; closes a broken one. */
    void release(PooledConnection pooled, boolean healthy) {
        try {
            Connection connection = pooled.connection();
            long now = System.nanoTime();
            closeIdleSince(now - closeAfterNanos);
            if (healthy && !connection.isClosed() && connection.getAutoCommit()
                    && idle.offerFirst(new Idle(pooled, now))) {
                return;
            }
            pooled.close();
        } catch (SQLException ignored) {
            // a connection that cannot even be closed is gone
        } finally {
            permits.release();
        }
    }

    /** Closes the connections at the bottom of the pool returned before {@code before} ({@link System#nanoTime()}). */
    private void closeIdleSince(long before) {
        for (Idle oldest = idle.peekLast(); oldest != null && oldest.since() - before < 0; oldest = idle.peekLast()) {
            if (idle.removeLastOccurrence(oldest)) { // unless a borrower took it meanwhile
                closeQuietly(oldest.pooled());
            }
        }
    }

    @Override
    public void close() {
        for (Idle candidate = idle.poll(); candidate != null; candidate = idle.poll()) {
            closeQuietly(candidate.pooled());
        }
    }

    private static void closeQuietly(PooledConnection pooled) {
        try {
            pooled.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** A pooled connection and when it was returned ({@link System#nanoTime()}). */
    private record Idle(PooledConnection pooled, long since) {
    }
}
