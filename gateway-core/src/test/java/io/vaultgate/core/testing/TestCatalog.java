package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The catalog of a test's home directory, on the database the run asks for: SQLite ({@code home/catalog.db},
 * the default, a copy of a catalog migrated once per JVM, see {@link SqliteTemplate}) or, with
 * {@code -Dvaultgate.test.catalog=postgresql}, a fresh database of the JVM's {@link PostgresCluster}, already
 * migrated, whose name is kept in {@code home/catalog.pg} so that opening the same home again (a restarted
 * gateway) finds the same data. Tests that open their catalog through here run unchanged on both. A
 * {@link CatalogIndependent} class cannot open one.
 */
public final class TestCatalog {

    /** The system property choosing the catalog: {@code sqlite} (default) or {@code postgresql}. */
    public static final String PROPERTY = "vaultgate.test.catalog";

    private TestCatalog() {
    }

    /** True when this run puts test catalogs on PostgreSQL. */
    public static boolean postgresql() {
        String value = System.getProperty(PROPERTY, "sqlite").strip().toLowerCase(Locale.ROOT);
        if (!value.equals("sqlite") && !value.equals("postgresql")) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + value + ": expected sqlite or postgresql");
        }
        return value.equals("postgresql");
    }

    /** Opens (creating on first use) the catalog of {@code home}. */
    public static Database open(Path home) {
        CatalogIndependent.Guard.refuse("a test catalog (TestCatalog.open)");
        try {
            if (!postgresql()) {
                Path file = home.resolve("catalog.db");
                SqliteTemplate.copyTo(file);
                return Database.sqlite(file);
            }
            Files.createDirectories(home);
            Path marker = home.resolve("catalog.pg");
            String name;
            if (Files.exists(marker)) {
                name = Files.readString(marker, StandardCharsets.US_ASCII).strip();
            } else {
                name = PostgresDatabases.createMigrated(marker);
                Files.writeString(marker, name, StandardCharsets.US_ASCII);
            }
            return PostgresDatabases.open(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
