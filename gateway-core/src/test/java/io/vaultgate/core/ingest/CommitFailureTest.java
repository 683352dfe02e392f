package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.CatalogException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog failing in the transaction that publishes an upload (a dropped connection, a deadlock victim;
 * injected here by a trigger refusing the row's change to COMMITTED), after the object was made final: the upload
 * is discarded, not left UPLOADING on this live node until a restart, counting in the tenant's quota. Runs on
 * SQLite and, in the {@code postgresql} execution, on PostgreSQL.
 */
class CommitFailureTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;

    @Test
    void aCatalogFailureWhilePublishing_discardsTheUpload() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE);
            upload.write(0, ByteBuffer.wrap(new byte[1000]));
            String objectId = test.database().read(jdbc -> jdbc.queryOne(
                    "SELECT object_id FROM files WHERE path = ?", row -> row.getString(1), REPORT.toString()))
                    .orElseThrow();
            failCommits(test, true);

            assertThatThrownBy(upload::commit).isInstanceOf(RuntimeException.class);
            upload.close();
            failCommits(test, false);

            assertThat(rows(test, "SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
            assertThat(rows(test, "SELECT files FROM tenant_usage WHERE tenant_id = 'acme'")).isZero();
            assertThat(rows(test, "SELECT bytes FROM tenant_usage WHERE tenant_id = 'acme'")).isZero();
            assertThat(rows(test, "SELECT COUNT(*) FROM receipts")).isZero();
            assertThat(rows(test, "SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.aborted' "
                    + "AND event LIKE '%commit failed%'")).isEqualTo(1);
            assertThatThrownBy(() -> test.store().open(TenantId.of("acme"), new ObjectId(objectId)).close())
                    .isInstanceOf(IOException.class);

            test.upload(alice, REPORT.toString(), "again");
            assertThat(test.read(alice, REPORT.toString())).isEqualTo("again");
        }
    }

    /**
     * The catalog failing at the check before the object is made final (whether the row is still this node's
     * upload): the error reaches the caller as the catalog's, the upload is ended (not shown in progress for
     * ever) and its discard is tried. Here the catalog stays down during the discard too (injected by moving the
     * files table away), so the row stays UPLOADING until the catalog is back and a restart recovers it.
     */
    @Test
    void aCatalogFailureWhileCheckingTheUploadIsStillOurs_endsTheUpload() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.CREATE);
            upload.write(0, ByteBuffer.wrap(new byte[1000]));
            assertThat(test.core().metrics().transfers().inProgress()).hasSize(1);
            moveFilesAway(test, true);
            try {
                assertThatThrownBy(upload::commit).isInstanceOf(CatalogException.class);
                upload.close();
            } finally {
                moveFilesAway(test, false);
            }

            assertThat(test.core().metrics().transfers().inProgress()).as("the upload ended").isEmpty();
            assertThat(test.core().metrics().transfers().recentFailures()).hasSize(1);
            assertThat(rows(test, "SELECT COUNT(*) FROM receipts")).isZero();
        }
    }

    /** Renames the files table away (every query of it fails) or back. */
    private static void moveFilesAway(TestCore test, boolean away) {
        test.database().inTransaction(jdbc -> jdbc.update(away ? "ALTER TABLE files RENAME TO files_away"
                : "ALTER TABLE files_away RENAME TO files"));
    }

    /** Installs (or removes) a trigger that fails any change of a file row to COMMITTED. */
    private static void failCommits(TestCore test, boolean fail) {
        test.database().inTransaction(jdbc -> {
            if (TestCatalog.postgresql()) {
                if (fail) {
                    jdbc.update("CREATE FUNCTION fail_commit() RETURNS trigger AS $$ BEGIN "
                            + "RAISE EXCEPTION 'injected catalog failure'; END $$ LANGUAGE plpgsql");
                    jdbc.update("CREATE TRIGGER fail_commit BEFORE UPDATE ON files FOR EACH ROW "
                            + "WHEN (NEW.state = 'COMMITTED') EXECUTE FUNCTION fail_commit()");
                } else {
                    jdbc.update("DROP TRIGGER fail_commit ON files");
                    jdbc.update("DROP FUNCTION fail_commit()");
                }
            } else if (fail) {
                jdbc.update("CREATE TRIGGER fail_commit BEFORE UPDATE OF state ON files "
                        + "WHEN NEW.state = 'COMMITTED' BEGIN SELECT RAISE(ABORT, 'injected catalog failure'); END");
            } else {
                jdbc.update("DROP TRIGGER fail_commit");
            }
            return null;
        });
    }

    private static long rows(TestCore test, String sql) {
        return test.database().read(jdbc -> jdbc.count(sql));
    }
}
