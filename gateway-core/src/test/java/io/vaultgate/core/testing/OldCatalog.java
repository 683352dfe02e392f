package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A new catalog migrated only up to an older version and holding rows as that version left them: what an upgrade
 * starts from. On the catalog the run uses ({@code home/catalog.db}, or a fresh PostgreSQL database with
 * {@code -Dvaultgate.test.catalog=postgresql}); closing it drops the PostgreSQL database.
 */
public final class OldCatalog implements AutoCloseable {

    private final Path home;
    private final String postgres; // null on SQLite

    private OldCatalog(Path home, String postgres) {
        this.home = home;
        this.postgres = postgres;
    }

    /** The catalog of {@code home} migrated to {@code version}, then the statements {@code inserts} run on it. */
    public static OldCatalog at(int version, Path home, String... inserts) throws SQLException {
        String postgres = TestCatalog.postgresql() ? PostgresDatabases.createEmpty() : null;
        String url = postgres != null ? PostgresDatabases.url(postgres) : "jdbc:sqlite:" + home.resolve("catalog.db");
        String user = postgres != null ? PostgresDatabases.OWNER : null;
        String password = postgres != null ? PostgresDatabases.ownerPassword() : null;
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration")
                .target(Integer.toString(version)).load().migrate();
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            for (String insert : inserts) {
                statement.executeUpdate(insert);
            }
        }
        return new OldCatalog(home, postgres);
    }

    /** The catalog opened as the gateway opens it, which applies the newer migrations. */
    public Database upgraded() {
        return postgres != null ? PostgresDatabases.open(postgres) : Database.sqlite(home.resolve("catalog.db"));
    }

    @Override
    public void close() {
        if (postgres != null) {
            PostgresDatabases.drop(postgres);
        }
    }
}
