package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.SqliteQueryPlans;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live uploads are found by their node in a partial index of the UPLOADING rows only (migration V27), so that
 * committing a file changes no entry of an index that grows with every file stored. Checked on SQLite's plan.
 */
class UploadsByNodeQueryPlanTest {

    @RegisterExtension
    final SqliteQueryPlans sqlite = new SqliteQueryPlans();

    @Test
    void aNodesLiveUploads_areReadFromThePartialIndex() {
        assertThat(sqlite.plan("SELECT id FROM files WHERE state = 'UPLOADING' AND node_id = ?", "n1"))
                .anyMatch(step -> step.startsWith("SEARCH files USING INDEX files_uploading_by_node (node_id=?)"));
    }

    @Test
    void committedFiles_areNotInTheIndexOfLiveUploads() {
        List<String> indexes = sqlite.database().read(jdbc -> jdbc.query(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'files' AND sql IS NOT NULL",
                row -> row.getString(1)));
        assertThat(indexes).contains("files_uploading_by_node").doesNotContain("files_by_state_node");
    }
}
