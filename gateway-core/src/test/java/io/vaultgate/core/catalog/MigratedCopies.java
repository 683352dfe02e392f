package io.vaultgate.core.catalog;

import java.nio.file.Path;

/**
 * Opens the tests' fresh catalogs, each a copy of a template catalog the test JVM migrated once (see
 * {@code io.vaultgate.core.testing.SqliteTemplate} and {@code PostgresDatabases}), without having Flyway validate the
 * copy again: it is byte for byte the template, which Flyway migrated and validated, and validating it cost each test
 * ~0.1 s of CPU on PostgreSQL (Flyway's connections and schema-history reads) and tens of milliseconds on SQLite.
 * A catalog opened again (a restarted gateway, a second node, an older catalog a test migrates) goes through
 * {@link Database#sqlite} or {@link Database#postgresql} and Flyway as in production. Published in the test jar with
 * {@code io.vaultgate.core.testing}.
 */
public final class MigratedCopies {

    private MigratedCopies() {
    }

    /** The SQLite catalog at {@code file}, a fresh copy of the migrated template. */
    public static Database sqlite(Path file) {
        return Database.sqliteCopyOfMigrated(file);
    }

    /** The PostgreSQL catalog at {@code url}, a database just created from the migrated template. */
    public static Database postgresql(String url, String user, char[] password, int poolSize) {
        return Database.postgresqlCopyOfMigrated(url, user, password, poolSize);
    }
}
