package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.SQLException;

/** A catalog connection and the statements prepared on it, pooled and closed together. */
record PooledConnection(Connection connection, StatementCache statements) implements AutoCloseable {

    PooledConnection(Connection connection) {
        this(connection, new StatementCache(connection));
    }

    @Override
    public void close() throws SQLException {
        statements.close();
        connection.close();
    }
}
