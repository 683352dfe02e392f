package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An SQLite catalog migrated once per JVM, copied into each test home that needs a new catalog: running every
 * migration on a new file costs a test a few hundred milliseconds (and dozens of fsyncs at
 * {@code synchronous=FULL}); a copy takes a few, and is opened without Flyway (its validation of a copy of the
 * validated template found nothing and cost tens of milliseconds of CPU, see
 * {@link io.vaultgate.core.catalog.MigratedCopies}). The PostgreSQL catalogs do the same with a template database
 * (see {@link PostgresDatabases}).
 * Migrations themselves are tested on catalogs a test builds at an older version ({@link OldCatalog}).
 */
final class SqliteTemplate {

    private static Path template;

    private SqliteTemplate() {
    }

    /**
     * Puts a copy of the migrated catalog at {@code file} (mode 0600, as the template's), creating its directory
     * for its owner only as {@link Database#sqlite} would, unless {@code file} exists (checked under the lock that
     * copies: two threads may open one home at once). True if it copied: the file is then the template's bytes.
     */
    static synchronized boolean copyTo(Path file) throws IOException {
        if (Files.exists(file)) {
            return false; // another thread opening the same home copied it first, or the home is opened again
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.copy(template(), file, StandardCopyOption.COPY_ATTRIBUTES);
        return true;
    }

    private static Path template() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("vaultgate-sqlite-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> TestFiles.deleteTree(dir), "sqlite-template-delete"));
            Path file = dir.resolve("catalog.db");
            Database.sqlite(file).close();
            // Closing the last connection checkpoints the WAL into the file and removes it: the file is the catalog.
            if (Files.exists(dir.resolve("catalog.db-wal"))) {
                throw new IllegalStateException("the template catalog kept a WAL after closing: " + dir);
            }
            template = file;
        }
        return template;
    }
}
