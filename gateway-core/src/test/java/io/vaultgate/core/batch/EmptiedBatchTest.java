package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch no operator holds whose files all left it (deleted, replaced or renamed by its client) is not offered to its
 * site: it ends EMPTIED (final, audited {@code batch.emptied} once, as done by the client) in the transaction that took
 * its last file out, so the gauge, which counts by state, never counts it ready; it is not listed, and a claim answers
 * exactly as for a batch that does not exist, also when the emptying and a claim race on PostgreSQL. A batch never
 * becomes READY empty: one emptied while claimed ends EMPTIED at its release; an open batch whose files left it is not
 * closed by its idle time nor an administrator, and its route's removal ends it EMPTIED.
 */
class EmptiedBatchTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T09:00:00Z"));
    private final BatchRepository batches = new BatchRepository();
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    /** The operator of the site the assertions ask: maria, unless a test removed her. */
    private OperatorPrincipal asking;
    private Route route;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        asking = maria;
        route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 2,
                0, Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void readyBatchWhoseFilesTheClientDeleted_isNotListedNorClaimable_andEndsEmptied() {
        String batchId = readyBatchOfTwo();

        delete("/inbox/a.csv");
        assertThat(find(batchId).state()).as("one file left").isEqualTo(BatchState.READY);
        delete("/inbox/b.csv");

        assertEmptied(batchId, "acme-upload");
        assertThat(test.core().batches().maintain()).isZero();
        assertEmptied(batchId, "acme-upload");
    }

    @Test
    void readyBatchWhoseFilesTheClientRenamed_isNotOffered_andTheRenamedFilesAreInTheNextBatch() {
        String batchId = readyBatchOfTwo();

        rename("/inbox/a.csv", "/inbox/a2.csv");
        rename("/inbox/b.csv", "/inbox/b2.csv");

        assertEmptied(batchId, "acme-upload");
        assertThat(test.core().batches().available(maria)).as("the renamed files filled the next batch")
                .singleElement().satisfies(next -> {
                    assertThat(next.id()).isNotEqualTo(batchId);
                    assertThat(next.fileCount()).isEqualTo(2);
                });
    }

    @Test
    void readyBatchWhoseFilesTheClientUploadedAgain_isNotOffered_theNewFilesAre() {
        String batchId = readyBatchOfTwo();

        test.upload(client, "/inbox/a.csv", "a, again");
        test.upload(client, "/inbox/b.csv", "b, again");

        assertThat(test.core().batches().available(maria)).as("only the batch of the new files")
                .singleElement().satisfies(next -> {
                    assertThat(next.id()).isNotEqualTo(batchId);
                    assertThat(next.fileCount()).isEqualTo(2);
                });
        assertEmptied(batchId, "acme-upload");
    }

    @Test
    void claimedBatchEmptiedWhileHeld_isReleasedAsEmptied_notOfferedAgain() {
        String batchId = readyBatchOfTwo();
        test.core().batches().claim(maria, batchId);
        delete("/inbox/a.csv");
        delete("/inbox/b.csv");
        assertThat(test.core().batches().available(maria)).as("maria still holds it, empty")
                .extracting(Batch::id).containsExactly(batchId);
        assertThat(find(batchId).state()).isEqualTo(BatchState.CLAIMED);

        clock.advance(Duration.ofMinutes(31));
        test.core().batches().maintain();

        assertEmptied(batchId, "system");
        assertThat(test.auditOf(client.tenant())).as("the holder lost it, then it ended")
                .containsSubsequence("batch.released", "batch.emptied");
    }

    /** Maria is removed while she holds a batch its client emptied meanwhile: it is not offered to pedro. */
    @Test
    void operatorRemovedWhileHoldingABatchEmptiedMeanwhile_itIsNotOfferedToTheSite_andEndsEmptied() {
        OperatorPrincipal pedro = test.operator("manila", "pedro", Protocol.SFTP);
        String batchId = readyBatchOfTwo();
        test.core().batches().claim(maria, batchId);
        delete("/inbox/a.csv");
        delete("/inbox/b.csv");

        assertThat(test.core().incidents().offboarding().removeOperator("maria", "left the company", "cli:test")
                .batchesReleased()).containsExactly(batchId);

        asking = pedro;
        assertNotOffered(batchId);
        test.core().batches().maintain();
        assertEmptied(batchId, "system");
        assertThat(test.auditOf(client.tenant())).containsSubsequence("batch.released", "batch.emptied");
    }

    @Test
    void openBatchWhoseFilesLeft_isNotClosedByItsIdleTime_andTheRoutesNextFileJoinsIt() {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = single(BatchState.OPEN).id();
        delete("/inbox/a.csv");

        clock.advance(Duration.ofMinutes(11));
        test.core().batches().maintain();

        assertThat(find(batchId).state()).isEqualTo(BatchState.OPEN);
        assertThat(test.core().batches().available(maria)).isEmpty();
        test.upload(client, "/inbox/c.csv", "c");
        assertThat(find(batchId).fileCount()).as("the next file joined it").isEqualTo(1);
        clock.advance(Duration.ofMinutes(11));
        test.core().batches().maintain();
        assertThat(test.core().batches().available(maria)).singleElement()
                .satisfies(ready -> assertThat(ready.id()).isEqualTo(batchId));
    }

    @Test
    void administratorsCloseOfAnOpenBatchWhoseFilesLeft_isRefused_andItStaysOpen() {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = single(BatchState.OPEN).id();
        delete("/inbox/a.csv");

        assertThatThrownBy(() -> test.core().batches().close(batchId, "root"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("holds no files");
                });

        assertThat(find(batchId).state()).isEqualTo(BatchState.OPEN);
        assertThat(test.auditOf(client.tenant())).doesNotContain("batch.closed");
        assertNotOffered(batchId);
    }

    @Test
    void routeRemovedWithAnOpenBatchWhoseFilesLeft_offersNothing_andTheBatchEndsEmptied() {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = single(BatchState.OPEN).id();
        delete("/inbox/a.csv");

        test.core().sites().removeRoute(client.tenant(), route.id());

        assertEmptied(batchId, "cli"); // the administrator who removed the route
    }

    /** Another node deletes the batch's last files while maria claims it: she is answered as for no such batch. */
    @Test
    void claimRacingTheRemovalOfTheLastFiles_answersNotFound() throws Exception {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        String batchId = readyBatchOfTwo();
        List<String> fileIds = test.database().read(jdbc -> batches.fileIds(jdbc, batchId));
        FileRepository files = new FileRepository();

        Future<Batch> claim = HeldLocks.whileHeld(test.database(), jdbc -> {
            for (String id : fileIds) {
                files.delete(jdbc, id);
            }
        }, () -> test.core().batches().claim(maria, batchId));

        assertThatThrownBy(() -> claim.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayException.class, e -> assertSameAsNoSuchBatch(e, batchId));
        assertThat(find(batchId).claimedBy()).isEmpty();
        assertThat(test.auditOf(client.tenant())).doesNotContain("batch.claimed");
        assertNotOffered(batchId);
        test.core().batches().maintain(); // that node's deletion did not end it: the maintenance does
        assertEmptied(batchId, "system");
    }

    /** An administrator closes the emptied open batch while a file joins it on another node: it closes with that file. */
    @Test
    void closeRacingAFileJoiningTheEmptiedOpenBatch_closesItWithTheFile() throws Exception {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = single(BatchState.OPEN).id();
        delete("/inbox/a.csv");

        Future<Batch> close = HeldLocks.whileHeld(test.database(), jdbc -> {
            Batch open = batches.openBatch(jdbc, route.id()).orElseThrow();
            batches.addFile(jdbc, open.id(), "f_joining", 5, clock.instant());
        }, () -> test.core().batches().close(batchId, "root"));

        assertThat(close.get(30, TimeUnit.SECONDS).state()).isEqualTo(BatchState.READY);
        assertThat(find(batchId).fileCount()).isEqualTo(1);
    }

    private String readyBatchOfTwo() {
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/b.csv", "b");
        String batchId = single(BatchState.READY).id();
        assertThat(test.core().batches().available(maria)).extracting(Batch::id).containsExactly(batchId);
        return batchId;
    }

    /** Not listed for its site, and a claim answers exactly as for a batch id that does not exist. */
    private void assertNotOffered(String batchId) {
        assertThat(test.core().batches().available(asking)).extracting(Batch::id).doesNotContain(batchId);
        assertThatThrownBy(() -> test.core().batches().claim(asking, batchId))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertSameAsNoSuchBatch(e, batchId));
        assertThat(find(batchId).claimedBy()).isEmpty();
    }

    private void assertSameAsNoSuchBatch(GatewayException refusal, String batchId) {
        String unknown = "b_00000000deadbeef";
        GatewayException none = (GatewayException) org.assertj.core.api.Assertions.catchThrowable(
                () -> test.core().batches().claim(asking, unknown));
        assertThat(refusal.reason()).isEqualTo(none.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(refusal.clientMessage().replace(batchId, unknown)).isEqualTo(none.clientMessage());
    }

    /** EMPTIED with nothing counted, audited once as ended by {@code actor}, and not offered. */
    private void assertEmptied(String batchId, String actor) {
        Batch batch = find(batchId);
        assertThat(batch.state()).isEqualTo(BatchState.EMPTIED);
        assertThat(batch.fileCount()).isZero();
        assertThat(batch.totalBytes()).isZero();
        List<String> emptied = test.auditOf(client.tenant()).lines().filter(line -> line.contains("batch.emptied"))
                .toList();
        assertThat(emptied).as("batch.emptied records").singleElement().satisfies(line -> assertThat(line)
                .contains("\"batch\":\"" + batchId + "\"").contains("\"actor\":\"" + actor + "\"")
                .contains("\"reason\":\"" + EmptyBatches.REASON + "\""));
        assertNotOffered(batchId);
    }

    private Batch single(BatchState state) {
        return test.core().batches().byTenant(client.tenant()).stream().filter(b -> b.state() == state)
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + state + " batch");
                }).orElseThrow();
    }

    private Batch find(String batchId) {
        return test.database().read(jdbc -> batches.find(jdbc, batchId)).orElseThrow();
    }

    private void delete(String path) {
        test.core().files().delete(client, PathPolicy.parse(path));
    }

    private void rename(String from, String to) {
        test.core().files().rename(client, PathPolicy.parse(from), PathPolicy.parse(to));
    }
}
