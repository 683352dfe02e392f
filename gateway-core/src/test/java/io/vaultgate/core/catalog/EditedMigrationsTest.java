package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog that applied a migration's earlier text opens after the edit (Flyway would refuse a checksum that
 * changed), and each edit names the checksum Flyway computes for the migration's text today.
 */
class EditedMigrationsTest {

    @TempDir
    Path home;

    @Test
    void aCatalogMigratedByTheEarlierTextOfV27_opensAndRecordsTheNewChecksum() throws Exception {
        EditedMigrations.Edit edit = EditedMigrations.EDITS.get(0);
        try (OldCatalog old = OldCatalog.at(27, home, "UPDATE flyway_schema_history SET checksum = " + edit.before()
                + " WHERE version = '" + edit.version() + "'");
             Database upgraded = old.upgraded()) {
            assertThat(recordedChecksums(upgraded, edit.version())).containsExactly(edit.after());
        }
    }

    @Test
    void everyEdit_namesTheChecksumOfTheMigrationsTextToday() {
        try (Database fresh = TestCatalog.open(home)) {
            for (EditedMigrations.Edit edit : EditedMigrations.EDITS) {
                assertThat(recordedChecksums(fresh, edit.version())).as("V" + edit.version())
                        .containsExactly(edit.after());
            }
        }
    }

    private static List<Integer> recordedChecksums(Database database, String version) {
        return database.read(jdbc -> jdbc.query("SELECT checksum FROM flyway_schema_history WHERE version = ?",
                row -> row.getInt(1), version));
    }
}
