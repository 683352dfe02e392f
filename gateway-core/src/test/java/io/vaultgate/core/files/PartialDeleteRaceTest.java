package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's {@code rm} of its interrupted partial, while another node resumes that upload: the delete read the
 * row as a partial, but the resume took it first, so the live upload keeps its row and its key slot and the
 * delete is refused. On PostgreSQL (the {@code postgresql} execution) the delete's read happens before the
 * resume commits and then waits for its row lock; on SQLite the write transactions take turns.
 */
class PartialDeleteRaceTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private TestCore nodeA;
    private Database nodeB;
    private ClientPrincipal alice;

    @BeforeEach
    void anInterruptedUpload() {
        nodeA = TestCore.create(home);
        nodeB = TestCatalog.open(home);
        alice = nodeA.client("acme", "alice", Protocol.SFTP);
        try (Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[10]));
        }
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        nodeB.close();
        nodeA.close();
    }

    @Test
    void deletingAPartial_whileAnotherNodeResumesIt_leavesTheLiveUploadWhole() throws Exception {
        String id = nodeA.database().read(jdbc -> jdbc.queryOne("SELECT id FROM files WHERE state = 'PARTIAL'",
                row -> row.getString(1))).orElseThrow();
        CountDownLatch resumed = new CountDownLatch(1);
        Future<Boolean> resume = threads.submit(() -> nodeB.inTransaction(jdbc -> {
            boolean taken = new PartialUploadRepository().resumeOn(jdbc, id, "node-b", Instant.now());
            resumed.countDown();
            pause(); // the delete reads the row as a partial meanwhile, then waits for this transaction
            return taken;
        }));
        assertThat(resumed.await(30, TimeUnit.SECONDS)).isTrue();

        Throwable refused = null;
        try {
            nodeA.core().files().delete(alice, REPORT);
        } catch (GatewayException e) {
            refused = e;
        }

        assertThat(resume.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).as("the delete of an upload resumed meanwhile").isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.reason()).isIn(GatewayException.Reason.CONFLICT,
                        GatewayException.Reason.NOT_FOUND));
        Optional<String> state = nodeA.database().read(jdbc -> jdbc.queryOne("SELECT state FROM files WHERE id = ?",
                row -> row.getString(1), id));
        long keySlots = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE file_id = ?",
                id));
        assertThat(state).contains("UPLOADING");
        assertThat(keySlots).as("the live upload's key slot").isEqualTo(1);
    }

    private static void pause() {
        try {
            Thread.sleep(700);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
