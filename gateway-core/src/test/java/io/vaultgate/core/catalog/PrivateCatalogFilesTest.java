package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded catalog (file names, accounts, wrapped keys, audit log) is never readable by other local users. */
class PrivateCatalogFilesTest {

    @TempDir
    Path dir;

    @Test
    void aNewCatalog_andItsWalAndSharedMemoryFiles_areReadableByTheirOwnerOnly() throws Exception {
        Path catalog = dir.resolve("catalog.db");
        try (Database database = Database.sqlite(catalog)) {
            database.inTransaction(jdbc -> jdbc.update("CREATE TABLE probe (v INTEGER)"));
            assertThat(mode(catalog)).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("catalog.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(dir.resolve("catalog.db-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void anExistingCatalogReadableByOthers_isMadePrivateWhenOpened() throws Exception {
        Path catalog = dir.resolve("catalog.db");
        try (Database database = Database.sqlite(catalog)) {
            database.inTransaction(jdbc -> jdbc.update("CREATE TABLE probe (v INTEGER)"));
        }
        Files.setPosixFilePermissions(catalog, PosixFilePermissions.fromString("rw-r--r--"));

        try (Database database = Database.sqlite(catalog)) {
            assertThat(mode(catalog)).isEqualTo("rw-------");
            long rows = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM probe"));
            assertThat(rows).as("still the same catalog").isZero();
        }
    }

    /** As the data directory's other directories: a 0755 one would let every local user list the catalog's files. */
    @Test
    void theDirectoriesCreatedForANestedCatalog_areTheirOwnersOnly() throws Exception {
        Path catalog = dir.resolve("state").resolve("catalog").resolve("catalog.db");
        Database.sqlite(catalog).close();

        assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state").resolve("catalog"))).isEqualTo("rwx------");
        assertThat(mode(catalog)).isEqualTo("rw-------");
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
