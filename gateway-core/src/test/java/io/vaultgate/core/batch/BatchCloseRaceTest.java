package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator's {@code batch close} while a file joins the open batch on another node (PostgreSQL, READ
 * COMMITTED): the close reads the batch's row locked, so its audit event counts the files the batch holds.
 */
class BatchCloseRaceTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void adminClose_racingAFileJoiningTheBatch_auditsTheFilesTheBatchHolds() throws Exception {
        ClientPrincipal client = test.client("globex", "globex-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 100, 0,
                Duration.ofMinutes(10));
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().byTenant(client.tenant()).get(0).id();

        // what a commit routing a second file does to the batch's row (BatchRepository.addFile), held uncommitted
        Future<Batch> close = HeldLocks.whileHeld(test.database(), jdbc -> jdbc.update(
                        "UPDATE batches SET file_count = file_count + 1, total_bytes = total_bytes + 1 WHERE id = ?",
                        batchId),
                () -> test.core().batches().close(batchId, "cli:test"));

        assertThat(close.get(30, TimeUnit.SECONDS).fileCount()).isEqualTo(2);
        List<String> events = test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = ? "
                + "ORDER BY seq", row -> row.getString(1), "batch.closed"));
        assertThat(events).singleElement().asString().as("batch.closed of a batch holding 2 files")
                .contains("\"files\":2");
    }
}
