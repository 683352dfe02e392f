package io.vaultgate.core.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plain JDBC with bound parameters and row mappers; the whole persistence toolkit, no ORM. */
public final class Jdbc {

    private final StatementCache statements;
    private final Dialect dialect;
    private final StatementListener listener;
    private final List<Runnable> afterCommit = new ArrayList<>();

    Jdbc(StatementCache statements, Dialect dialect) {
        this(statements, dialect, StatementListener.NONE);
    }

    Jdbc(StatementCache statements, Dialect dialect, StatementListener listener) {
        this.statements = statements;
        this.dialect = dialect;
        this.listener = listener;
    }

    /** The SQL that differs between the catalog's databases, e.g. the locking clause of a claim. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code action} once this transaction has committed, and never if it rolls back: for what must not
     * be said before the rows are durable (the audit log's checkpoint lines, which operators keep as anchors).
     * In a {@code Database.read}, which commits every statement, it runs when the work returns. An action that
     * throws is not the transaction's failure (it has committed): it is dropped and the others still run.
     */
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    /** Runs the {@link #afterCommit} actions; called by {@link Database} after the commit. */
    void committed() {
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Jdbc.class).warn("an action after a commit failed", e);
            }
        }
        afterCommit.clear();
    }

    public int update(String sql, Object... parameters) throws SQLException {
        return prepare(sql, parameters).executeUpdate();
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (ResultSet rows = prepare(sql, parameters).executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        List<T> rows = query(sql, mapper, parameters);
        if (rows.size() > 1) {
            throw new SQLException("expected at most one row, got " + rows.size());
        }
        return rows.stream().findFirst();
    }

    public long count(String sql, Object... parameters) throws SQLException {
        return queryOne(sql, rows -> rows.getLong(1), parameters).orElse(0L);
    }

    /** A cached statement with {@code parameters} bound; it stays open for reuse, its result set does not. */
    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        listener.statement(sql);
        PreparedStatement statement = statements.prepare(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }
}
