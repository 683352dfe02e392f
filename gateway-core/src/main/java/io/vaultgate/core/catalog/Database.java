package io.vaultgate.core.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The catalog database: a {@link DataSource} migrated to the current schema by Flyway, and transactions.
 * The embedded default is SQLite in WAL mode with {@code synchronous=FULL}, so a committed transaction
 * survives power loss. For scale-out, the same migrations and statements run on PostgreSQL, which every
 * gateway node shares; what differs between the two is the {@link Dialect}.
 */
public final class Database implements AutoCloseable {

    private static final int SQLITE_POOL_SIZE = 8;
    /** A pooled PostgreSQL connection idle this long is checked before use (the server may have restarted). */
    private static final Duration POSTGRESQL_VALIDATE_AFTER = Duration.ofSeconds(5);
    /** A pooled PostgreSQL connection idle this long is closed: within the idle timeouts of NATs and balancers. */
    private static final Duration POSTGRESQL_CLOSE_AFTER = Duration.ofMinutes(2);
    private static final int POSTGRESQL_CONNECT_TIMEOUT_SECONDS = 10;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final ConnectionPool pool;
    /** Test hook ({@link StatementListener}): {@link StatementListener#NONE} unless a test listens. */
    private volatile StatementListener listener = StatementListener.NONE;

    private Database(DataSource dataSource, Dialect dialect, int poolSize, Duration validateAfter,
                     Duration closeAfter) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.pool = new ConnectionPool(dataSource, poolSize, validateAfter, closeAfter);
    }

    /** Opens (creating if needed) the SQLite catalog at {@code file} and applies pending migrations. */
    public static Database sqlite(Path file) {
        return migrated(new Database(sqliteSource(file), Dialect.SQLITE, SQLITE_POOL_SIZE, null, null));
    }

    /**
     * Test hook (io.vaultgate.core.catalog.MigratedCopies, test code): opens the SQLite catalog at {@code file}
     * exactly as {@link #sqlite} does, but without running Flyway, for a file that is a fresh byte-for-byte copy of
     * a catalog this build migrated and validated (the tests' template). Flyway's validation of such a copy cannot
     * find anything the template's did not, and cost every test tens of milliseconds of CPU.
     */
    static Database sqliteCopyOfMigrated(Path file) {
        return new Database(sqliteSource(file), Dialect.SQLITE, SQLITE_POOL_SIZE, null, null);
    }

    private static SQLiteDataSource sqliteSource(Path file) {
        try {
            PrivateCatalogFiles.createDirectories(file.toAbsolutePath().getParent());
            PrivateCatalogFiles.secure(file);
        } catch (java.io.IOException e) {
            throw new CatalogException("cannot prepare the catalog file " + file
                    + " (its directory, or a mode for its owner only)", e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // Deleted rows are overwritten with zeros, not left in free space: a shredded file's key slot (its
        // wrapped data key) and a slot replaced by a KEK rotation must not stay readable in catalog.db.
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(30_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // No statement reads generated keys (every row has its id before it is inserted); left on, the driver ran
        // a statement of its own, SELECT last_insert_rowid(), after every INSERT: four per uploaded file.
        config.setGetGeneratedKeys(false);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return source;
    }

    /**
     * Connects to the PostgreSQL database at {@code url} ({@code jdbc:postgresql://host:port/database}) and
     * applies pending migrations; Flyway's advisory lock lets several nodes start at once. {@code password}
     * may be empty (trust, peer or certificate authentication); it is not kept beyond the data source.
     *
     * @param poolSize the most connections this node holds open at once
     * @throws CatalogException if the URL is not a PostgreSQL URL, the server does not answer or refuses
     */
    public static Database postgresql(String url, String user, char[] password, int poolSize) {
        return migrated(new Database(postgresqlSource(url, user, password, poolSize), Dialect.POSTGRESQL, poolSize,
                POSTGRESQL_VALIDATE_AFTER, POSTGRESQL_CLOSE_AFTER));
    }

    /**
     * Test hook (io.vaultgate.core.catalog.MigratedCopies, test code): connects to the PostgreSQL database at
     * {@code url} exactly as {@link #postgresql} does, but without running Flyway, for a database just created as a
     * copy ({@code CREATE DATABASE ... TEMPLATE}) of one this build migrated and validated (the tests' template).
     */
    static Database postgresqlCopyOfMigrated(String url, String user, char[] password, int poolSize) {
        return new Database(postgresqlSource(url, user, password, poolSize), Dialect.POSTGRESQL, poolSize,
                POSTGRESQL_VALIDATE_AFTER, POSTGRESQL_CLOSE_AFTER);
    }

    private static PGSimpleDataSource postgresqlSource(String url, String user, char[] password, int poolSize) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new CatalogException("not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database)");
        }
        if (poolSize < 1) {
            throw new CatalogException("the connection pool needs at least one connection, got " + poolSize);
        }
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        source.setUser(user);
        if (password.length > 0) {
            source.setPassword(new String(password));
        }
        source.setApplicationName("vaultgate");
        source.setConnectTimeout(POSTGRESQL_CONNECT_TIMEOUT_SECONDS);
        source.setTcpKeepAlive(true);
        return source;
    }

    private static Database migrated(Database database) {
        try {
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e instanceof CatalogException ? e : new CatalogException("cannot migrate the catalog: "
                    + e.getMessage(), e);
        }
    }

    /** The SQL that differs between SQLite and PostgreSQL. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * Test hook: tells {@code listener} of the work callers ask for from now on (tests in this package; {@link
     * StatementListener#NONE} stops listening). Changes nothing the work does.
     */
    void listen(StatementListener listener) {
        this.listener = listener;
    }

    private void migrate() {
        try {
            EditedMigrations.realign(dataSource);
        } catch (SQLException e) {
            throw new CatalogException("cannot read the catalog's migration history: " + e.getMessage(), e);
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) {
        return transaction(work, false);
    }

    /**
     * Like {@link #inTransaction}, but the commit may return before it is on stable storage (SQLite
     * {@code synchronous=NORMAL}, PostgreSQL {@code synchronous_commit=off}). A crash of the process keeps
     * it; a power loss may lose it, together with later such commits only: the next ordinary commit makes it
     * durable too, because both databases write their log in order. Only for rows whose loss after a power
     * failure is harmless, such as an upload no client has been told is stored.
     */
    public <T> T inTransactionDeferringSync(Work<T> work) {
        return transaction(work, true);
    }

    private <T> T transaction(Work<T> work, boolean deferSync) {
        StatementListener listening = listener;
        listening.transaction();
        PooledConnection pooled = borrow();
        Connection connection = pooled.connection();
        boolean healthy = false;
        try {
            if (deferSync && dialect == Dialect.SQLITE) {
                execute(pooled, "PRAGMA synchronous=NORMAL");
            }
            connection.setAutoCommit(false);
            if (deferSync && dialect == Dialect.POSTGRESQL) {
                execute(pooled, "SET LOCAL synchronous_commit TO OFF");
            }
            Jdbc jdbc = new Jdbc(pooled.statements(), dialect, listening);
            T result;
            try {
                result = work.run(jdbc);
            } catch (SQLException | RuntimeException e) {
                healthy = rollback(pooled, e);
                throw e;
            }
            commit(connection);
            healthy = true;
            jdbc.committed();
            return result;
        } catch (SQLException e) {
            throw new CatalogException("catalog transaction failed", e);
        } finally {
            if (deferSync && dialect == Dialect.SQLITE && healthy) {
                healthy = restoreFullSync(pooled);
            }
            pool.release(pooled, healthy);
        }
    }

    /**
     * Commits the connection's transaction and puts it back in autocommit mode. SQLite's driver begins a new
     * transaction at once after every {@code commit()} (an empty {@code BEGIN IMMEDIATE}, which takes the write lock,
     * and the {@code COMMIT} of that one again when autocommit is set): leaving the transaction by setting autocommit
     * commits it with one {@code COMMIT} instead, about 10 µs of CPU less per transaction (two per uploaded file). If
     * that {@code COMMIT} fails (a deferred constraint, a full disk), the driver is in autocommit mode while SQLite
     * keeps the transaction open with the write lock: it is rolled back here, the connection is not put back in the
     * pool (closing it would roll back what is left) and the failure is thrown.
     */
    private void commit(Connection connection) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException failed) {
                try (Statement rollback = connection.createStatement()) {
                    rollback.execute("ROLLBACK");
                } catch (SQLException alsoFailed) {
                    failed.addSuppressed(alsoFailed);
                }
                throw failed;
            }
        } else {
            connection.commit();
            connection.setAutoCommit(true);
        }
    }

    /**
     * Rolls back the connection's transaction after {@code cause}, the work's own failure, and puts the connection
     * back in autocommit mode. The caller throws {@code cause} whatever happens here: a rollback that fails is added to
     * it as suppressed, and the connection is reported unusable (the pool closes it, which rolls back what is left).
     * SQLite's driver begins a new {@code BEGIN IMMEDIATE} transaction at once after its {@code rollback()}, which
     * waits (up to the 30 s busy timeout) for the write lock another connection may take the moment ours is released,
     * then commits it empty when autocommit is set. Here the transaction ends with one {@code ROLLBACK}, and the
     * driver's autocommit is restored through a deferred {@code BEGIN}, which takes no lock, committed empty.
     *
     * @return whether the connection can go back to the pool
     */
    private boolean rollback(PooledConnection pooled, Exception cause) {
        Connection connection = pooled.connection();
        try {
            if (dialect == Dialect.SQLITE) {
                execute(pooled, "ROLLBACK");
                execute(pooled, "BEGIN DEFERRED");
            } else {
                connection.rollback();
            }
            connection.setAutoCommit(true);
            return true;
        } catch (SQLException | RuntimeException failed) {
            cause.addSuppressed(failed);
            return false;
        }
    }

    /** Runs a statement without parameters or rows, prepared once per connection ({@link StatementCache}). */
    private static void execute(PooledConnection pooled, String sql) throws SQLException {
        pooled.statements().prepare(sql).execute();
    }

    /** Puts a pooled SQLite connection back to {@code synchronous=FULL}; a connection that cannot is dropped. */
    private static boolean restoreFullSync(PooledConnection pooled) {
        try {
            execute(pooled, "PRAGMA synchronous=FULL");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Reads with autocommit; use for single statements. */
    public <T> T read(Work<T> work) {
        StatementListener listening = listener;
        listening.read();
        PooledConnection pooled = borrow();
        boolean healthy = false;
        try {
            Jdbc jdbc = new Jdbc(pooled.statements(), dialect, listening);
            T result = work.run(jdbc);
            healthy = true;
            jdbc.committed();
            return result;
        } catch (SQLException e) {
            throw new CatalogException("catalog read failed", e);
        } catch (RuntimeException e) {
            healthy = true;
            throw e;
        } finally {
            pool.release(pooled, healthy);
        }
    }

    /**
     * Writes a consistent copy of an embedded catalog to {@code target}, which must not exist, while other
     * connections go on reading and writing ({@code VACUUM INTO} reads one snapshot of the database). The copy is
     * created readable by its owner only. A catalog on PostgreSQL is backed up with its own tools.
     */
    public void snapshotTo(Path target) {
        if (dialect != Dialect.SQLITE) {
            throw new CatalogException("a catalog on PostgreSQL is backed up with pg_dump or a base backup "
                    + "(docs/postgresql.md), not by the gateway");
        }
        try {
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.io.IOException e) {
            throw new CatalogException("cannot create the catalog copy " + target, e);
        }
        PooledConnection pooled = borrow();
        boolean healthy = false;
        try (PreparedStatement vacuum = pooled.connection().prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.executeUpdate();
            healthy = true;
        } catch (SQLException e) {
            throw new CatalogException("cannot copy the catalog to " + target, e);
        } finally {
            pool.release(pooled, healthy);
        }
    }

    private PooledConnection borrow() {
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
