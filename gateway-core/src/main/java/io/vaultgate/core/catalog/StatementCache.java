package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prepared statements of one pooled connection, kept for reuse by their SQL. Preparing parses the statement
 * again on every call (SQLite) and makes the driver build it anew: a small upload runs a few dozen statements,
 * always the same ones, and their preparation was the largest single cost of the catalog work per file. The least
 * recently used statement is closed once more than {@link #CAPACITY} are kept. Used by one thread at a time, like
 * its connection.
 */
final class StatementCache implements AutoCloseable {

    static final int CAPACITY = 128;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= CAPACITY) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, its parameters cleared; the caller closes its result set, not the statement. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement != null && !statement.isClosed()) {
            statement.clearParameters();
            return statement;
        }
        statement = connection.prepareStatement(sql);
        statements.put(sql, statement);
        return statement;
    }

    int size() {
        return statements.size();
    }

    @Override
    public void close() {
        statements.values().forEach(StatementCache::closeQuietly);
        statements.clear();
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // its connection is going away or already gone
        }
    }
}
