package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reused statements behave like fresh ones: a pooled connection sees what other connections committed since its
 * last query (a statement left unreset would pin SQLite's read snapshot), no parameter of a previous use leaks into
 * the next, and statements are closed when evicted or when their connection leaves the pool.
 */
@CatalogIndependent
class StatementCacheTest {

    @TempDir
    Path dir;

    @Test
    void aReusedQuery_seesRowsCommittedByAnotherConnectionSinceItsLastUse() throws Exception {
        try (Connection reader = open(); Connection writer = open()) {
            execute(writer, "CREATE TABLE t (v INTEGER)");
            execute(writer, "INSERT INTO t VALUES (1)");
            Jdbc jdbc = new Jdbc(new StatementCache(reader), Dialect.SQLITE);

            assertThat(jdbc.query("SELECT v FROM t ORDER BY v", row -> row.getInt(1))).containsExactly(1);
            execute(writer, "INSERT INTO t VALUES (2)");
            assertThat(jdbc.query("SELECT v FROM t ORDER BY v", row -> row.getInt(1))).containsExactly(1, 2);
            assertThat(jdbc.count("SELECT COUNT(*) FROM t WHERE v > ?", 0)).isEqualTo(2);
            execute(writer, "INSERT INTO t VALUES (3)");
            assertThat(jdbc.count("SELECT COUNT(*) FROM t WHERE v > ?", 0)).isEqualTo(3);
        }
    }

    @Test
    void theSameSql_isPreparedOnce_andItsParametersAreClearedBeforeReuse() throws Exception {
        try (Connection connection = open()) {
            execute(connection, "CREATE TABLE t (v INTEGER)");
            StatementCache cache = new StatementCache(connection);
            PreparedStatement first = cache.prepare("INSERT INTO t VALUES (?)");
            first.setInt(1, 7);
            first.executeUpdate();

            PreparedStatement again = cache.prepare("INSERT INTO t VALUES (?)");
            assertThat(again).isSameAs(first);
            again.executeUpdate();
            assertThat(new Jdbc(cache, Dialect.SQLITE).query("SELECT v FROM t ORDER BY rowid", row -> row.getObject(1)))
                    .as("the 7 bound before is gone: unbound is NULL").isEqualTo(Arrays.asList(7, null));
        }
    }

    @Test
    void beyondItsCapacity_theLeastRecentlyUsedStatementIsClosed() throws Exception {
        try (Connection connection = open()) {
            StatementCache cache = new StatementCache(connection);
            PreparedStatement eldest = cache.prepare("SELECT 0");
            PreparedStatement kept = cache.prepare("SELECT 1");
            for (int i = 2; i <= StatementCache.CAPACITY; i++) {
                cache.prepare("SELECT " + i);
                cache.prepare("SELECT 1");
            }

            assertThat(cache.size()).isEqualTo(StatementCache.CAPACITY);
            assertThat(eldest.isClosed()).isTrue();
            assertThat(kept.isClosed()).isFalse();
            assertThat(cache.prepare("SELECT 0")).as("prepared anew").isNotSameAs(eldest);
        }
    }

    @Test
    void closingThePooledConnection_closesItsStatements() throws Exception {
        PooledConnection pooled = new PooledConnection(open());
        PreparedStatement statement = pooled.statements().prepare("SELECT 1");
        pooled.close();
        assertThat(statement.isClosed()).isTrue();
        assertThat(pooled.connection().isClosed()).isTrue();
    }

    private Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
        execute(connection, "PRAGMA journal_mode=WAL");
        return connection;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
