package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.MigratedCopies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The catalog of a test's home directory, on the database the run asks for: SQLite ({@code home/catalog.db},
 * the default, a copy of a catalog migrated once per JVM, see {@link SqliteTemplate}) or, with
 * {@code -Dvaultgate.test.catalog=postgresql} or in an {@link OnPostgresql} class, a fresh database of the JVM's
 * {@link PostgresCluster}, already migrated, whose name is kept in {@code home/catalog.pg} so that opening the same
 * home again (a restarted gateway) finds the same data. Tests that open their catalog through here run unchanged on both. A
 * {@link CatalogIndependent} class cannot open one.
 */
public final class TestCatalog {

    /** The system property choosing the catalog: {@code sqlite} (default) or {@code postgresql}. */
    public static final String PROPERTY = "vaultgate.test.catalog";

    private TestCatalog() {
    }

    /** True when this run puts test catalogs on PostgreSQL, or an {@link OnPostgresql} class is running. */
    public static boolean postgresql() {
        return OnPostgresql.Switch.active() || runOnPostgresql();
    }

    /** True when this run ({@code -D}{@value #PROPERTY}) puts test catalogs on PostgreSQL. */
    static boolean runOnPostgresql() {
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
                // a new catalog is the template's bytes, already validated; one opened again is opened as a restart is
                return SqliteTemplate.copyTo(file) ? MigratedCopies.sqlite(file) : Database.sqlite(file);
            }
            Files.createDirectories(home);
            Path marker = home.resolve("catalog.pg");
            if (Files.exists(marker)) {
                return PostgresDatabases.open(Files.readString(marker, StandardCharsets.US_ASCII).strip());
            }
            PostgresDatabases.NewCatalog created = PostgresDatabases.openNew(marker);
            try {
                Files.writeString(marker, created.name(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                created.database().close();
                throw e;
            }
            return created.database();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
