package io.vaultgate.core.catalog;

import io.vaultgate.core.files.FileState;
import java.sql.SQLException;
import java.time.Instant;

/** Compare-and-set state changes, so two connections never both take the same partial upload. */
public final class FileStateTransitions {

    private FileStateTransitions() {
    }

    /** Moves {@code id} from {@code from} to {@code to}; false if it was not in {@code from}. */
    public static boolean transition(Jdbc jdbc, String id, FileState from, FileState to, Instant now)
            throws SQLException {
        return jdbc.update("UPDATE files SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                to.name(), now.toEpochMilli(), id, from.name()) == 1;
    }
}
