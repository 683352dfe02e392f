package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new upload over its owner's partial removes the partial's row, then deletes its object. The transaction that
 * removes the row must be flushed at its commit: were its flush deferred, a power loss could bring the PARTIAL row
 * back after its object was deleted, a resumable upload whose data is gone. A trigger records the flush setting of
 * the transaction that deletes the PARTIAL row (SQLite's {@code synchronous}; on PostgreSQL where
 * {@code synchronous_commit} comes from, since the test server runs with it off: a deferring transaction sets it
 * itself), which must be an ordinary transaction's. Runs on SQLite and, in the {@code postgresql} execution, on
 * PostgreSQL.
 */
class ReplacedPartialDurabilityTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;

    @Test
    void theTransactionRemovingThePartialsRow_isFlushedAtItsCommit() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[100_000]));
            } // dropped: a partial
            recordFlushOfPartialDeletes(test);

            test.upload(alice, REPORT.toString(), "the new upload");

            List<String> flushes = test.database().read(jdbc -> jdbc.query("SELECT level FROM partial_deletes",
                    row -> row.getString(1)));
            String ordinary = test.database().inTransaction(ReplacedPartialDurabilityTest::flush);
            assertThat(test.database().inTransactionDeferringSync(ReplacedPartialDurabilityTest::flush))
                    .as("the probe tells the two apart").isNotEqualTo(ordinary);
            assertThat(flushes).as("the partial's row was deleted once, in a transaction flushed at its commit")
                    .containsExactly(ordinary);
            assertThat(test.core().files().stat(alice, REPORT).partial()).isFalse();
        }
    }

    /** What the trigger records: SQLite's synchronous level (2 FULL, 1 NORMAL), or the source of PostgreSQL's. */
    private static final String FLUSH_SQLITE = "SELECT synchronous FROM pragma_synchronous";
    private static final String FLUSH_POSTGRESQL = "SELECT source FROM pg_settings WHERE name = 'synchronous_commit'";

    private static String flush(Jdbc jdbc) throws SQLException {
        return jdbc.query(TestCatalog.postgresql() ? FLUSH_POSTGRESQL : FLUSH_SQLITE, row -> row.getString(1)).get(0);
    }

    /** Installs a trigger recording, for every deleted PARTIAL row, the deleting transaction's flush setting. */
    private static void recordFlushOfPartialDeletes(TestCore test) {
        test.database().inTransaction(jdbc -> {
            jdbc.update("CREATE TABLE partial_deletes (level TEXT)");
            if (TestCatalog.postgresql()) {
                jdbc.update("CREATE FUNCTION record_partial_delete() RETURNS trigger AS $$ BEGIN "
                        + "INSERT INTO partial_deletes " + FLUSH_POSTGRESQL + "; RETURN OLD; END $$ LANGUAGE plpgsql");
                jdbc.update("CREATE TRIGGER record_partial_delete AFTER DELETE ON files FOR EACH ROW "
                        + "WHEN (OLD.state = 'PARTIAL') EXECUTE FUNCTION record_partial_delete()");
            } else {
                jdbc.update("CREATE TRIGGER record_partial_delete AFTER DELETE ON files WHEN OLD.state = 'PARTIAL' "
                        + "BEGIN INSERT INTO partial_deletes " + FLUSH_SQLITE + "; END");
            }
            return null;
        });
    }
}
