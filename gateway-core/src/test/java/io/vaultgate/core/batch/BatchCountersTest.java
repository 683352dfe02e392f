package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch's file count and size are what it holds: a file replaced by its owner's new upload, or deleted, leaves
 * the batches an operator may still see (open, ready, claimed), so a route's limits count files the site gets.
 */
class BatchCountersTest {

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal payroll;
    private OperatorPrincipal operator;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        payroll = test.client("acme", "acme-payroll", Protocol.SFTP);
        operator = test.operator("manila", "maria", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void uploadingOnePathMoreTimesThanMaxFiles_keepsTheBatchOpen_holdingTheLastFile() throws IOException {
        route(3, 0);
        for (int i = 1; i <= 7; i++) {
            test.upload(payroll, "/inbox/a.csv", "version " + i + "x".repeat(i));
        }

        Batch batch = only();
        assertThat(batch.state()).as("7 uploads of one path are one file, below max-files 3")
                .isEqualTo(BatchState.OPEN);
        assertThat(batch.fileCount()).isEqualTo(1);
        assertThat(batch.totalBytes()).isEqualTo(("version 7" + "x".repeat(7)).length());

        test.upload(payroll, "/inbox/b.csv", "b");
        test.upload(payroll, "/inbox/c.csv", "c");
        Batch full = only();
        assertThat(full.state()).as("the third distinct file reaches max-files 3").isEqualTo(BatchState.READY);
        assertThat(full.fileCount()).isEqualTo(3);
        test.core().batches().claim(operator, full.id());
        assertThat(test.core().files().list(operator, PathPolicy.parse("/acme/" + full.id())))
                .extracting(FileEntry::name).containsExactly("a.csv", "b.csv", "c.csv", "results");
        assertThat(test.read(operator, "/acme/" + full.id() + "/a.csv")).isEqualTo("version 7xxxxxxx");
    }

    @Test
    void replacingAFileBelowMaxBytes_countsItsNewSizeOnly() {
        route(0, 100);
        for (int i = 0; i < 5; i++) {
            test.upload(payroll, "/inbox/a.csv", "y".repeat(40 + i));
        }

        Batch batch = only();
        assertThat(batch.state()).as("5 uploads of 40-44 bytes at one path are 44 bytes, below max-bytes 100")
                .isEqualTo(BatchState.OPEN);
        assertThat(batch.fileCount()).isEqualTo(1);
        assertThat(batch.totalBytes()).isEqualTo(44);
    }

    @Test
    void aFileReplacedAfterItsBatchClosed_leavesThatBatch_andJoinsTheOpenOne() {
        route(10, 0);
        test.upload(payroll, "/inbox/a.csv", "first");
        test.upload(payroll, "/inbox/b.csv", "bb");
        String closed = test.core().batches().close(only().id(), "root").id();

        test.upload(payroll, "/inbox/a.csv", "second!");

        Batch ready = batch(closed);
        assertThat(ready.fileCount()).as("the ready batch lists b.csv only").isEqualTo(1);
        assertThat(ready.totalBytes()).isEqualTo(2);
        Batch open = test.core().batches().byTenant(payroll.tenant()).stream()
                .filter(batch -> batch.state() == BatchState.OPEN).findFirst().orElseThrow();
        assertThat(open.fileCount()).isEqualTo(1);
        assertThat(open.totalBytes()).isEqualTo(7);
    }

    @Test
    void deletingBatchedFiles_takesThemOutOfOpenAndClaimedBatches_notOutOfCompletedOnes() throws IOException {
        route(10, 0);
        test.upload(payroll, "/inbox/a.csv", "aaaa");
        test.upload(payroll, "/inbox/b.csv", "bb");
        test.upload(payroll, "/inbox/c.csv", "c");
        test.core().files().delete(payroll, PathPolicy.parse("/inbox/c.csv"));
        assertThat(only().fileCount()).isEqualTo(2);
        assertThat(only().totalBytes()).isEqualTo(6);

        String id = test.core().batches().close(only().id(), "root").id();
        Batch claimed = test.core().batches().claim(operator, id);
        test.core().files().delete(payroll, PathPolicy.parse("/inbox/a.csv"));

        Batch held = batch(id);
        assertThat(held.fileCount()).isEqualTo(1);
        assertThat(held.totalBytes()).isEqualTo(2);
        assertThat(held.updatedAt()).as("the claim time, which the lease is known by, stays")
                .isEqualTo(claimed.updatedAt());
        assertThat(held.leaseExpiresAt()).isEqualTo(claimed.leaseExpiresAt());
        assertThat(test.read(operator, "/acme/" + id + "/b.csv")).isEqualTo("bb");

        test.core().batches().complete(operator, id);
        test.core().files().delete(payroll, PathPolicy.parse("/inbox/b.csv"));
        assertThat(batch(id).fileCount()).as("a completed batch keeps what it held when completed").isEqualTo(1);
        assertThat(batch(id).totalBytes()).isEqualTo(2);
    }

    private void route(long maxFiles, long maxBytes) {
        test.core().sites().addRoute(payroll.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), maxFiles,
                maxBytes, Duration.ofMinutes(10));
    }

    private Batch only() {
        List<Batch> batches = test.core().batches().byTenant(payroll.tenant());
        assertThat(batches).hasSize(1);
        return batches.get(0);
    }

    private Batch batch(String id) {
        return test.core().batches().byTenant(payroll.tenant()).stream().filter(batch -> batch.id().equals(id))
                .findFirst().orElseThrow();
    }
}
