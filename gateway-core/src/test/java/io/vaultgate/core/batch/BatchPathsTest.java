package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch is its operator's directory: it never holds two files at one path, whoever of the tenant sent them. */
class BatchPathsTest {

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal payroll;
    private ClientPrincipal hr;
    private OperatorPrincipal operator;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        payroll = test.client("acme", "acme-payroll", Protocol.SFTP);
        hr = test.client("acme", "acme-hr", Protocol.HTTPS);
        operator = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(payroll.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 10, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void twoAccountsSendingOnePath_landInTwoBatches_eachReadableByItsOperator() throws IOException {
        test.upload(payroll, "/inbox/2026-11/a.csv", "from payroll");
        test.upload(payroll, "/inbox/b.csv", "b");
        test.upload(hr, "/inbox/2026-11/a.csv", "from hr");

        List<Batch> batches = test.core().batches().byTenant(payroll.tenant()).stream()
                .sorted(Comparator.comparing(Batch::state)).toList();
        assertThat(batches).extracting(Batch::state).as("the first batch closed early, the second is open")
                .containsExactly(BatchState.OPEN, BatchState.READY);
        test.core().batches().close(batches.get(0).id(), "root");

        List<String> seen = new ArrayList<>();
        for (Batch batch : batches) {
            test.core().batches().claim(operator, batch.id());
            seen.add(read("/acme/" + batch.id() + "/2026-11/a.csv"));
        }
        assertThat(seen).containsExactly("from hr", "from payroll");
        assertThat(test.core().files().list(operator, PathPolicy.parse("/acme/" + batches.get(1).id())))
                .extracting(FileEntry::name).containsExactly("2026-11", "b.csv", "results");
    }

    @Test
    void aFileWhereAnotherAccountsFileIsADirectory_orTheOtherWayRound_startsTheNextBatch() {
        test.upload(payroll, "/inbox/x", "a file named x");
        test.upload(hr, "/inbox/x/y.csv", "below a directory named x");
        test.upload(hr, "/inbox/z/deep.csv", "below a directory named z");
        test.upload(payroll, "/inbox/z", "a file named z");

        assertThat(test.core().batches().byTenant(payroll.tenant())).as("each clash closed the open batch")
                .extracting(Batch::fileCount).containsExactlyInAnyOrder(1L, 2L, 1L);
    }

    @Test
    void renamingAFileOntoAnotherAccountsPathInItsBatch_isRefused_andElsewhereAllowed() throws IOException {
        test.upload(payroll, "/inbox/a.csv", "from payroll");
        test.upload(hr, "/inbox/tmp.csv", "from hr");
        test.upload(payroll, "/inbox/d/e.csv", "from payroll");

        for (String onto : List.of("/inbox/a.csv", "/inbox/a.csv/below", "/inbox/d")) {
            assertThatThrownBy(() -> test.core().files().rename(hr, PathPolicy.parse("/inbox/tmp.csv"),
                    PathPolicy.parse(onto))).as(onto).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        }
        test.core().files().rename(hr, PathPolicy.parse("/inbox/tmp.csv"), PathPolicy.parse("/inbox/b.csv"));

        String batchId = test.core().batches().close(test.core().batches().byTenant(payroll.tenant()).get(0).id(),
                "root").id();
        test.core().batches().claim(operator, batchId);
        assertThat(read("/acme/" + batchId + "/a.csv")).isEqualTo("from payroll");
        assertThat(read("/acme/" + batchId + "/b.csv")).isEqualTo("from hr");
    }

    @Test
    void anAccountReplacingItsOwnFile_keepsOneBatch_withTheNewContent() throws IOException {
        test.upload(payroll, "/inbox/a.csv", "first");
        test.upload(payroll, "/inbox/a.csv", "second");

        List<Batch> batches = test.core().batches().byTenant(payroll.tenant());
        assertThat(batches).singleElement().satisfies(batch -> assertThat(batch.state()).isEqualTo(BatchState.OPEN));
        String batchId = test.core().batches().close(batches.get(0).id(), "root").id();
        test.core().batches().claim(operator, batchId);
        assertThat(read("/acme/" + batchId + "/a.csv")).isEqualTo("second");
    }

    private String read(String path) throws IOException {
        return test.read(operator, path);
    }
}
