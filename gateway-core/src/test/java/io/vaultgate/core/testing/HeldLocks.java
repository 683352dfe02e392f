package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An action run while another transaction holds a change uncommitted, as another node's would be: for lock-order
 * tests on PostgreSQL (READ COMMITTED), whose row locks make a transaction wait where SQLite's database lock
 * serialises whole transactions. PostgreSQL only: it watches {@code pg_stat_activity} for the action to wait. And the
 * wait of a hook for a competing change to run into the locks of the hook's transaction ({@link #untilWaiting}).
 */
public final class HeldLocks {

    /** A change made by the other transaction. */
    @FunctionalInterface
    public interface Change {
        void run(Jdbc jdbc) throws SQLException;
    }

    private HeldLocks() {
    }

    /**
     * Starts {@code action} while another transaction holds {@code change} uncommitted, lets it run until it waits
     * for a row lock (up to 10 s, or until it ends), then commits the change; returns the action's outcome. An action
     * that reads the rows the change writes without locking them reads them as they were before the change; one
     * that locks them waits, and reads them as the change left them.
     */
    public static <T> Future<T> whileHeld(Database database, Change change, Callable<T> action) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> database.inTransaction(jdbc -> {
                change.run(jdbc);
                held.countDown();
                try {
                    commit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            while (!held.await(100, TimeUnit.MILLISECONDS)) {
                if (holder.isDone()) {
                    holder.get(); // the change failed: throws its exception
                    throw new IllegalStateException("the change ended without holding its locks");
                }
            }
            Future<T> result = threads.submit(action);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!result.isDone() && System.nanoTime() < deadline && waiting(database) == 0) {
                Thread.sleep(20);
            }
            commit.countDown();
            holder.get(30, TimeUnit.SECONDS);
            return result;
        } finally {
            threads.shutdown();
        }
    }

    /**
     * Waits until a session of the test's database waits for a lock (PostgreSQL: seen in {@code pg_stat_activity},
     * up to 10 s; SQLite cannot show it, so half a second) or {@code run} is done; whether one was seen waiting. For
     * a hook that starts a competing change while its own transaction holds its locks, and lets it run into them.
     */
    public static boolean untilWaiting(Database database, Future<?> run) {
        try {
            if (!TestCatalog.postgresql()) {
                Thread.sleep(500);
                return false;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!run.isDone() && System.nanoTime() < deadline) {
                if (waiting(database) > 0) {
                    return true;
                }
                Thread.sleep(20);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** How many sessions of the test's database wait for a lock (the holder never does). */
    private static long waiting(Database database) {
        return database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND datname = current_database()"));
    }
}
