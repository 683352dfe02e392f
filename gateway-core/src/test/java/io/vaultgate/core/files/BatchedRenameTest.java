package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's rename of a file in a batch: its outcome never depends on other accounts' files (which the client
 * cannot see), a file in an open or ready batch is in a batch under its new name afterwards (the upload-then-rename
 * pattern of WinSCP and others), and a file in a batch an operator claimed is not renamed, with one answer for every
 * new name.
 */
class BatchedRenameTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal u1;
    private ClientPrincipal u2;
    private OperatorPrincipal maria;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        u1 = test.client("acme", "acme-u1", Protocol.SFTP);
        u2 = test.client("acme", "acme-u2", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 100, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/free.csv", "/inbox/payroll.csv", "/inbox/payroll.csv/below", "/inbox/d",
            "/inbox/inbox-results"})
    void renameInTheOpenBatch_succeedsAlike_whetherAnotherAccountHoldsTheNewNameOrNobody(String onto)
            throws IOException {
        test.upload(u2, "/inbox/payroll.csv", "u2's payroll");
        test.upload(u2, "/inbox/results/r.csv", "u2's r");
        test.upload(u2, "/inbox/d/e.csv", "u2's e");
        test.upload(u1, "/inbox/mine.csv", "u1's");
        assertThatThrownBy(() -> stat(u1, "/inbox/payroll.csv")).as("u1 does not see u2's file")
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));

        rename(u1, "/inbox/mine.csv", onto);

        assertThat(stat(u1, onto).size()).isEqualTo("u1's".length());
        assertThat(test.read(u1, onto)).isEqualTo("u1's");
        assertThat(test.read(u2, "/inbox/payroll.csv")).isEqualTo("u2's payroll");
        assertThat(test.auditOf(ACME)).contains("file.renamed").contains(onto);
        String seenAs = onto.substring("/inbox/".length()); // /inbox/inbox-results too: its operator's name
        assertThat(operatorSees()).as("every file once, at its name, none hidden by another")
                .containsExactlyInAnyOrder("payroll.csv=u2's payroll", "inbox-results/r.csv=u2's r", "d/e.csv=u2's e",
                        seenAs + "=u1's");
    }

    @Test
    void uploadToATemporaryNameThenRename_putsTheFileInABatchUnderItsNewName() throws IOException {
        test.upload(u1, "/inbox/report.csv.filepart", "the report");

        rename(u1, "/inbox/report.csv.filepart", "/inbox/report.csv");

        Batch batch = only();
        assertThat(batch.state()).isEqualTo(BatchState.OPEN);
        assertThat(batch.fileCount()).isEqualTo(1);
        assertThat(batch.totalBytes()).isEqualTo("the report".length());
        assertThat(operatorSees()).containsExactly("report.csv=the report");
    }

    @Test
    void uploadOfAMarkerToATemporaryNameThenRename_closesTheBatch_asTheMarkerWould() throws IOException {
        test.upload(u1, "/inbox/data.csv", "data");
        test.upload(u1, "/inbox/go.ready.filepart", "");

        rename(u1, "/inbox/go.ready.filepart", "/inbox/go.ready");

        Batch batch = only();
        assertThat(batch.state()).as("the marker closed the batch").isEqualTo(BatchState.READY);
        assertThat(batch.fileCount()).as("the marker joins no batch").isEqualTo(1);
        assertThat(operatorSees()).containsExactly("data.csv=data");
    }

    @Test
    void uploadToATemporaryNameThenRename_afterAnotherAccountsMarkerClosedTheBatch_putsTheFileInTheNextBatch()
            throws IOException {
        test.upload(u1, "/inbox/report.csv.filepart", "the report");
        test.upload(u2, "/inbox/go.ready", "");
        assertThat(only().state()).as("u2's marker closed the batch").isEqualTo(BatchState.READY);

        rename(u1, "/inbox/report.csv.filepart", "/inbox/report.csv");

        assertThat(test.core().batches().byTenant(ACME)).extracting(Batch::state, Batch::fileCount)
                .as("the file left the ready batch, which ended with none (never offered), for the next one")
                .containsExactlyInAnyOrder(
                        tuple(BatchState.EMPTIED, 0L),
                        tuple(BatchState.OPEN, 1L));
        assertThat(operatorSees()).containsExactly("report.csv=the report");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/free.csv", "/inbox/taken.csv"})
    void renameOfAFileInAReadyBatch_succeedsAlike_andTheFileMovesToTheOpenBatchUnderItsNewName(String onto)
            throws IOException {
        test.upload(u2, "/inbox/taken.csv", "u2's");
        test.upload(u1, "/inbox/a.csv", "u1's");
        Batch ready = test.core().batches().close(only().id(), "root");

        rename(u1, "/inbox/a.csv", onto);

        assertThat(stat(u1, onto).size()).isEqualTo("u1's".length());
        assertThat(test.core().batches().byTenant(ACME)).extracting(Batch::id, Batch::state, Batch::fileCount)
                .containsExactlyInAnyOrder(tuple(ready.id(), BatchState.READY, 1L),
                        tuple(openId(), BatchState.OPEN, 1L));
        assertThat(operatorSees()).containsExactlyInAnyOrder("taken.csv=u2's",
                onto.substring("/inbox/".length()) + "=u1's");
    }

    @Test
    void renameOfAFileInAClaimedBatch_isRefused_withOneAnswerForEveryNewName() {
        test.upload(u2, "/inbox/taken.csv", "u2's");
        test.upload(u1, "/inbox/a.csv", "u1's");
        test.upload(u1, "/inbox/mine.csv", "u1's other");
        Batch batch = test.core().batches().close(only().id(), "root");
        test.core().batches().claim(maria, batch.id());

        List<String> answers = new ArrayList<>();
        for (String onto : List.of("/inbox/free.csv", "/inbox/taken.csv", "/inbox/taken.csv/below", "/inbox/mine.csv",
                "/inbox/a.csv.new", "/inbox/x.ready")) {
            assertThatThrownBy(() -> rename(u1, "/inbox/a.csv", onto)).as(onto)
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                        answers.add(e.clientMessage());
                    });
        }
        assertThat(answers).containsOnly("/inbox/a.csv: in batch " + batch.id() + " for a site; renames are refused "
                + "until the batch is completed");
        assertThat(test.core().batches().byTenant(ACME)).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BatchState.CLAIMED))
                .satisfies(b -> assertThat(b.fileCount()).isEqualTo(3));
        assertThat(stat(u1, "/inbox/a.csv").size()).isEqualTo("u1's".length());
    }

    @Test
    void renameOfAFileInAReadyBatchOfARemovedRoute_isRefused_andTheFileStaysInItsBatch() {
        test.upload(u1, "/inbox/a.csv", "u1's");
        Batch batch = only();
        String route = batch.routeId();
        test.core().sites().removeRoute(ACME, route);
        assertThat(only().state()).as("the removal closed the open batch").isEqualTo(BatchState.READY);

        assertThatThrownBy(() -> rename(u1, "/inbox/a.csv", "/inbox/b.csv"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.clientMessage()).isEqualTo("/inbox/a.csv: in batch " + batch.id() + " for a site; "
                            + "renames are refused until the batch is completed");
                });
        assertThat(only().fileCount()).as("never unrouted").isEqualTo(1);
    }

    @Test
    void renameOfAFileWhoseBatchWasCompleted_isAllowed() {
        test.upload(u1, "/inbox/a.csv", "u1's");
        Batch batch = test.core().batches().close(only().id(), "root");
        test.core().batches().claim(maria, batch.id());
        test.core().batches().complete(maria, batch.id());

        rename(u1, "/inbox/a.csv", "/inbox/b.csv");

        assertThat(stat(u1, "/inbox/b.csv").size()).isEqualTo("u1's".length());
        assertThat(test.core().batches().byTenant(ACME)).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BatchState.COMPLETED));
    }

    private void rename(ClientPrincipal client, String from, String to) {
        test.core().files().rename(client, PathPolicy.parse(from), PathPolicy.parse(to));
    }

    private FileEntry stat(ClientPrincipal client, String path) {
        return test.core().files().stat(client, PathPolicy.parse(path));
    }

    private String openId() {
        return test.core().batches().byTenant(ACME).stream().filter(b -> b.state() == BatchState.OPEN).findFirst()
                .orElseThrow().id();
    }

    private Batch only() {
        List<Batch> batches = test.core().batches().byTenant(ACME);
        assertThat(batches).hasSize(1);
        return batches.get(0);
    }

    /** Every file of every batch, as {@code path=content} below the batch, read by the operator after claiming. */
    private List<String> operatorSees() throws IOException {
        List<String> seen = new ArrayList<>();
        List<Batch> batches = test.core().batches().byTenant(ACME).stream()
                .sorted(Comparator.comparing(Batch::createdAt)).toList();
        for (Batch batch : batches) {
            if (batch.state() == BatchState.EMPTIED) {
                continue; // never offered: claiming it is refused as for no such batch (EmptiedBatchTest)
            }
            if (batch.state() == BatchState.OPEN) {
                test.core().batches().close(batch.id(), "root");
            }
            test.core().batches().claim(maria, batch.id());
            collect("/acme/" + batch.id(), "", seen);
        }
        return seen;
    }

    private void collect(String root, String below, List<String> seen) throws IOException {
        for (FileEntry entry : test.core().files().list(maria, PathPolicy.parse(root + below))) {
            if (below.isEmpty() && entry.name().equals("results")) {
                continue;
            }
            String path = below + "/" + entry.name();
            if (entry.directory()) {
                collect(root, path, seen);
            } else {
                seen.add(path.substring(1) + "=" + test.read(maria, root + path));
            }
        }
    }
}
