package io.vaultgate.core.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Migrations edited after they shipped, each with the checksum Flyway recorded for its earlier text, so that a catalog
 * that applied the earlier text still validates: the recorded checksum is replaced by the new one before Flyway
 * validates. Only for edits that leave the schema a migration makes unchanged (the order of its statements, its
 * comments); anything else is a new migration.
 */
final class EditedMigrations {

    /** A migration's version and its checksums before and after the edit. */
    record Edit(String version, int before, int after) {
    }

    /**
     * V27 dropped the old index before building the new one, which on PostgreSQL locked {@code files} against every
     * node's reads for the whole build; it now builds first.
     */
    static final List<Edit> EDITS = List.of(new Edit("27", 372079486, -1167681556));

    private static final String HISTORY = "flyway_schema_history";

    private EditedMigrations() {
    }

    /** Records the edited checksums in a catalog that applied an edited migration's earlier text; idempotent. */
    static void realign(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!hasHistory(connection)) {
                return; // a new catalog: Flyway records the current checksums itself
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + HISTORY + " SET checksum = ? WHERE version = ? AND checksum = ?")) {
                for (Edit edit : EDITS) {
                    update.setInt(1, edit.after());
                    update.setString(2, edit.version());
                    update.setInt(3, edit.before());
                    update.executeUpdate();
                }
            }
        }
    }

    private static boolean hasHistory(Connection connection) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, connection.getSchema(), HISTORY, null)) {
            return tables.next();
        }
    }
}
