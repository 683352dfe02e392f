package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The pool hands out the connection returned last: a SQLite connection keeps the pages it read until another
 * connection writes, so reusing the one that ran the previous transaction reads nothing again (an upload's
 * transactions, one after another, each ran on the least recently used connection and read its pages again).
 */
class ConnectionPoolTest {

    @TempDir
    Path dir;

    @Test
    void theConnectionReturnedLast_isHandedOutFirst() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("pool.db"));
        try (ConnectionPool pool = new ConnectionPool(source, 3, null, null)) {
            PooledConnection first = pool.borrow();
            PooledConnection second = pool.borrow();
            pool.release(first, true);
            pool.release(second, true);

            PooledConnection next = pool.borrow();
            assertThat(next).isSameAs(second);
            PooledConnection then = pool.borrow();
            assertThat(then).isSameAs(first);
            pool.release(then, true);
            pool.release(next, true);
            assertThat(pool.borrow()).isSameAs(next);
        }
    }

    @Test
    void aConnectionIdleLongerThanCloseAfter_isClosedWhenAnotherIsReturned() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("pool.db"));
        try (ConnectionPool pool = new ConnectionPool(source, 3, null, Duration.ofMillis(200))) {
            PooledConnection bottom = pool.borrow();
            PooledConnection busy = pool.borrow();
            pool.release(bottom, true);
            Thread.sleep(400);

            pool.release(busy, true);

            assertThat(bottom.connection().isClosed()).as("idle 400 ms, past closeAfter").isTrue();
            assertThat(busy.connection().isClosed()).as("just returned").isFalse();
            assertThat(pool.borrow()).isSameAs(busy);
            PooledConnection fresh = pool.borrow();
            assertThat(fresh).isNotSameAs(bottom);
            assertThat(fresh.connection().isClosed()).isFalse();
        }
    }
}
