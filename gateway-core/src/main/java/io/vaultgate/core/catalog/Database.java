package io.vaultgate.core.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The catalog database: a {@link DataSource} migrated to the current schema by Flyway, and transactions.
 * The embedded default is SQLite in WAL mode with {@code synchronous=FULL}, so a committed transaction
 * survives power loss.
 */
public final class Database implements AutoCloseable {

    private static final int POOL_SIZE = 8;

    private final DataSource dataSource;
    private final ConnectionPool pool;

    private Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.pool = new ConnectionPool(dataSource, POOL_SIZE);
    }

    /** Opens (creating if needed) the SQLite catalog at {@code file} and applies pending migrations. */
    public static Database sqlite(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new CatalogException("cannot create the catalog directory for " + file, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(30_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Database database = new Database(source);
        database.migrate();
        return database;
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) {
        Connection connection = borrow();
        boolean healthy = false;
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(new Jdbc(connection));
                connection.commit();
                connection.setAutoCommit(true);
                healthy = true;
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                connection.setAutoCommit(true);
                healthy = true;
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogException("catalog transaction failed", e);
        } finally {
            pool.release(connection, healthy);
        }
    }

    /** Reads with autocommit; use for single statements. */
    public <T> T read(Work<T> work) {
        Connection connection = borrow();
        boolean healthy = false;
        try {
            T result = work.run(new Jdbc(connection));
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw new CatalogException("catalog read failed", e);
        } catch (RuntimeException e) {
            healthy = true;
            throw e;
        } finally {
            pool.release(connection, healthy);
        }
    }

    private Connection borrow() {
        try {
            return pool.borrow();
        } catch (SQLException e) {
            throw new CatalogException("no catalog connection", e);
        }
    }

    /** Closes the pooled connections; in-flight work finishes on its own connection. */
    @Override
    public void close() {
        pool.close();
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Jdbc jdbc) throws SQLException;
    }
}
