package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.PageRequest;
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

        List<Batch> batches = twoBatchesOneClosedEarly();
        assertThat(claimAndRead(batches, "/2026-11/a.csv")).containsExactly("from hr", "from payroll");
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
    void renamingAFileOntoAnotherAccountsPathInItsOpenBatch_startsTheNextBatch_asAnUploadOfThatPathWould()
            throws IOException {
        test.upload(payroll, "/inbox/a.csv", "from payroll");
        test.upload(hr, "/inbox/tmp.csv", "from hr");

        test.core().files().rename(hr, PathPolicy.parse("/inbox/tmp.csv"), PathPolicy.parse("/inbox/a.csv"));

        List<Batch> batches = twoBatchesOneClosedEarly();
        assertThat(claimAndRead(batches, "/a.csv")).containsExactly("from hr", "from payroll");
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

    @Test
    void aClientFileAtInboxResults_isTheOperatorsInboxResults_andResultsStaysTheOperators() throws IOException {
        test.upload(payroll, "/inbox/results", "a client file named results");
        test.upload(payroll, "/inbox/a.csv", "a");
        String batch = claimOnly();
        String root = "/acme/" + batch;

        assertThat(test.core().files().list(operator, PathPolicy.parse(root)))
                .extracting(FileEntry::name, FileEntry::directory)
                .containsExactly(tuple("a.csv", false), tuple("inbox-results", false), tuple("results", true));
        assertThat(read(root + "/inbox-results")).isEqualTo("a client file named results");
        assertThat(test.core().files().stat(operator, PathPolicy.parse(root + "/results")).directory()).isTrue();
        assertThat(test.core().files().list(operator, PathPolicy.parse(root + "/results"))).isEmpty();

        test.upload(operator, root + "/results/summary.csv", "the operator's result");
        assertThat(read(root + "/results/summary.csv")).isEqualTo("the operator's result");
        assertThat(test.read(payroll, "/outbox/" + batch + "/summary.csv")).isEqualTo("the operator's result");
        assertThat(test.read(payroll, "/inbox/results")).isEqualTo("a client file named results");
        assertThat(read(root + "/inbox-results")).isEqualTo("a client file named results");
    }

    @Test
    void aClientDirectoryAtInboxResults_isListedAsInboxResults_neverMergedIntoTheOperatorsResults() throws IOException {
        test.upload(payroll, "/inbox/results/x.csv", "the client's x");
        test.upload(payroll, "/inbox/results/deep/y.csv", "the client's y");
        for (int i = 0; i < 5; i++) {
            test.upload(payroll, "/inbox/r" + i + ".csv", "r");
        }
        String batch = claimOnly();
        String root = "/acme/" + batch;
        test.upload(operator, root + "/results/x.csv", "the operator's x");

        List<String> names = new ArrayList<>();
        PageRequest page = PageRequest.first(1);
        while (true) { // a page of one name at a time: the renamed entry keeps its place in the listing's order
            DirectoryPage one = test.core().files().list(operator, PathPolicy.parse(root), page);
            one.entries().forEach(entry -> names.add(entry.name()));
            if (one.next().isEmpty()) {
                break;
            }
            page = page.after(one.next().get());
        }
        assertThat(names).containsExactly("inbox-results", "r0.csv", "r1.csv", "r2.csv", "r3.csv", "r4.csv",
                "results");
        assertThat(test.core().files().list(operator, PathPolicy.parse(root + "/inbox-results")))
                .extracting(FileEntry::name).containsExactly("deep", "x.csv");
        assertThat(test.core().files().list(operator, PathPolicy.parse(root + "/results")))
                .extracting(FileEntry::name).containsExactly("x.csv");
        assertThat(read(root + "/inbox-results/x.csv")).isEqualTo("the client's x");
        assertThat(read(root + "/inbox-results/deep/y.csv")).isEqualTo("the client's y");
        assertThat(read(root + "/results/x.csv")).isEqualTo("the operator's x");
        assertThat(test.core().files().stat(operator, PathPolicy.parse(root + "/inbox-results/deep")).directory())
                .isTrue();
        assertThatThrownBy(() -> read(root + "/results/deep/y.csv")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> test.upload(operator, root + "/inbox-results/x.csv", "over the client's"))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED));
        assertThat(test.read(payroll, "/inbox/results/x.csv")).isEqualTo("the client's x");
    }

    @Test
    void filesBelowInboxResultsAndInboxInboxResults_neverShareABatch() throws IOException {
        test.upload(payroll, "/inbox/results/x.csv", "below results");
        test.upload(hr, "/inbox/inbox-results/x.csv", "below inbox-results");

        List<Batch> batches = test.core().batches().byTenant(payroll.tenant());
        assertThat(batches).as("the second closed the first batch").extracting(Batch::state)
                .containsExactlyInAnyOrder(BatchState.READY, BatchState.OPEN);
        Batch open = batches.stream().filter(batch -> batch.state() == BatchState.OPEN).findFirst().orElseThrow();

        test.core().batches().close(open.id(), "root");
        for (Batch batch : batches) {
            test.core().batches().claim(operator, batch.id());
        }
        Batch first = batches.stream().filter(batch -> batch != open).findFirst().orElseThrow();
        assertThat(read("/acme/" + first.id() + "/inbox-results/x.csv")).isEqualTo("below results");
        assertThat(read("/acme/" + open.id() + "/inbox-results/x.csv")).isEqualTo("below inbox-results");
    }

    /** Closes the tenant's only batch and claims it for the operator; its id. */
    private String claimOnly() {
        List<Batch> batches = test.core().batches().byTenant(payroll.tenant());
        assertThat(batches).hasSize(1);
        String id = test.core().batches().close(batches.get(0).id(), "root").id();
        test.core().batches().claim(operator, id);
        return id;
    }

    /**
     * The tenant's two batches, the open one first: the first batch closed early (by a clash), the second open; closes
     * the open one, so that both can be claimed.
     */
    private List<Batch> twoBatchesOneClosedEarly() {
        List<Batch> batches = test.core().batches().byTenant(payroll.tenant()).stream()
                .sorted(Comparator.comparing(Batch::state)).toList();
        assertThat(batches).extracting(Batch::state).as("the first batch closed early, the second is open")
                .containsExactly(BatchState.OPEN, BatchState.READY);
        test.core().batches().close(batches.get(0).id(), "root");
        return batches;
    }

    /** Claims each batch and reads {@code path} in it, as its operator sees it. */
    private List<String> claimAndRead(List<Batch> batches, String path) throws IOException {
        List<String> seen = new ArrayList<>();
        for (Batch batch : batches) {
            test.core().batches().claim(operator, batch.id());
            seen.add(read("/acme/" + batch.id() + path));
        }
        return seen;
    }

    private String read(String path) throws IOException {
        return test.read(operator, path);
    }
}
