package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh SQLite catalog (every migration applied) in a temporary directory for each test, and SQLite's query plan
 * of a statement on it: for tests that show a catalog query reads an index, not the table's every row, since a
 * timing would prove nothing on a shared machine. SQLite whatever the run's catalog ({@link TestCatalog}): the plans
 * checked are SQLite's. Register it on an instance field with {@code @RegisterExtension}.
 */
public final class SqliteQueryPlans implements BeforeEachCallback, AfterEachCallback {

    private Path home;
    private Database database;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("vaultgate-query-plans");
        database = Database.sqlite(home.resolve("catalog.db"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (database != null) {
            database.close();
        }
        if (home == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The catalog of the running test. */
    public Database database() {
        return database;
    }

    /** The steps of SQLite's plan of {@code query} (EXPLAIN QUERY PLAN's detail column), run with {@code parameters}. */
    public List<String> plan(String query, Object... parameters) {
        return database.read(jdbc -> jdbc.query("EXPLAIN QUERY PLAN " + query, row -> row.getString(4), parameters));
    }
}
