package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a site that will never finish its work ({@link UnfinishedWork#ABANDON}): its batches not completed and
 * forwards not delivered become ABANDONED in the removal's transaction, audited; routes still refuse; the tenants'
 * files stay theirs.
 */
class SiteAbandonTest {

    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void abandoningWork_isStillRefusedWhileATenantRoutesToTheSite_sayingRoutesMoveFirst() {
        Route route = route(RouteMode.PUSH, 0);
        upload("/inbox/a.csv");

        assertRefused(() -> removal().removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON),
                Reason.CONFLICT, "route " + route.id() + " of tenant acme");
        assertRefused(() -> removal().removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON),
                Reason.CONFLICT, "routes are never abandoned");
        assertThat(outbox().list(Optional.of(ForwardState.PENDING), 10)).as("nothing was changed").hasSize(1);
        test.core().sites().removeRoute(client.tenant(), route.id());
        assertRefused(() -> removal().removeSite("manila", "bankrupt", "cli:test"), Reason.CONFLICT,
                "1 forward(s) not delivered; nothing was changed (a site that will never finish its work is removed "
                        + "with --abandon-work");
    }

    @Test
    void everyForwardNotDelivered_isAbandoned_neverSentOrRetried_andADeliveredOneStays() {
        Route route = route(RouteMode.PUSH, 0);
        for (String name : List.of("a", "b", "c", "d")) {
            upload("/inbox/" + name + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob delivered = claimOne();
        outbox().complete(delivered, Optional.empty(), Instant.now());
        ForwardJob dead = claimOne();
        outbox().fail(dead, "refused", true, Instant.now());
        ForwardJob inFlight = claimOne();
        ForwardJob pending = outbox().list(Optional.of(ForwardState.PENDING), 10).get(0);

        RemovedSite removed = removal().removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandoned()).containsExactly(dead.id(), inFlight.id(), pending.id());
        assertThat(removed.batchesAbandoned()).isEmpty();
        assertThat(outbox().find(delivered.id()).orElseThrow().state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(List.of(dead, inFlight, pending)).allSatisfy(job -> assertThat(outbox().find(job.id())
                .orElseThrow().state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(outbox().claim("manila", "test-node", 10, LEASE, Instant.now().plus(Duration.ofDays(1))))
                .as("never sent again, not even after the in-flight lease ran out").isEmpty();
        assertRefused(() -> outbox().retry(dead.id(), Instant.now()), Reason.CONFLICT,
                "its site manila was removed");
        assertThat(events("forward.abandoned")).hasSize(3)
                .anySatisfy(event -> assertThat(event).contains("\"job\":\"" + inFlight.id() + "\"",
                        "\"file\":\"" + inFlight.fileId() + "\"", "\"tenant\":\"acme\"", "\"site\":\"manila\"",
                        "\"state\":\"IN_FLIGHT\"", "\"reason\":\"site removed\""))
                .allSatisfy(event -> assertThat(event).doesNotContain("bankrupt"));
        assertThat(events("admin.change")).anySatisfy(event -> assertThat(event)
                .contains("manila removed: bankrupt (abandoned 0 batch(es), 3 forward(s))"));
        assertRefused(() -> removal().removeSite("manila", "twice", "cli:test", UnfinishedWork.ABANDON),
                Reason.NOT_FOUND, "site manila does not exist");
    }

    /**
     * A plain removal (without abandoning) is not held up by dead forwards, which are settled as failures; they are
     * abandoned all the same, audited, instead of staying dead for ever (a removed site's job is never retried).
     */
    @Test
    void aPlainRemoval_abandonsTheSitesDeadForwards_soNoneStaysDeadForEver() {
        Route route = route(RouteMode.PUSH, 0);
        upload("/inbox/a.csv");
        upload("/inbox/b.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob delivered = claimOne();
        outbox().complete(delivered, Optional.empty(), Instant.now());
        ForwardJob dead = claimOne();
        outbox().fail(dead, "refused", true, Instant.now());

        RemovedSite removed = removal().removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.forwardsAbandoned()).containsExactly(dead.id());
        assertThat(outbox().find(dead.id()).orElseThrow().state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(outbox().find(delivered.id()).orElseThrow().state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
        assertThat(events("forward.abandoned")).singleElement().satisfies(event -> assertThat(event)
                .contains("\"job\":\"" + dead.id() + "\"", "\"state\":\"DEAD\"", "\"reason\":\"site removed\"")
                .doesNotContain("contract ended"));
        assertThat(events("admin.change")).anySatisfy(event -> assertThat(event)
                .contains("manila removed: contract ended (1 dead forward(s) to abandon next, each audited)"));
    }

    @Test
    void everyBatchNotCompleted_isAbandoned_notReleased_andACompletedOneStays() {
        Route route = route(RouteMode.PULL, 1);
        for (String name : List.of("a", "b", "c", "d")) {
            upload("/inbox/" + name + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        List<Batch> ready = test.core().batches().available(maria);
        String completed = test.core().batches().claim(maria, ready.get(0).id()).id();
        test.core().batches().complete(maria, completed);
        String claimed = test.core().batches().claim(maria, ready.get(1).id()).id();
        // a route's removal readies its open batch, so OPEN is not reached through the API; abandoned all the same
        String open = ready.get(2).id();
        test.database().inTransaction(jdbc -> new BatchRepository().transition(jdbc, open, BatchState.READY,
                BatchState.OPEN, Optional.empty(), Optional.empty(), Instant.now()));
        String readyBatch = ready.get(3).id();

        RemovedSite removed = removal().removeSite("manila", "contract lost", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.batchesAbandoned()).containsExactlyInAnyOrder(claimed, open, readyBatch);
        assertThat(removed.operatorsRemoved()).containsExactly("maria");
        assertThat(test.core().batches().byTenant(client.tenant())).extracting(Batch::id, Batch::state)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(completed, BatchState.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple(claimed, BatchState.ABANDONED),
                        org.assertj.core.groups.Tuple.tuple(open, BatchState.ABANDONED),
                        org.assertj.core.groups.Tuple.tuple(readyBatch, BatchState.ABANDONED));
        assertThat(events("batch.abandoned")).hasSize(3)
                .anySatisfy(event -> assertThat(event).contains("\"batch\":\"" + claimed + "\"", "\"tenant\":\"acme\"",
                        "\"site\":\"manila\"", "\"state\":\"CLAIMED\"", "\"files\":1", "\"reason\":\"site removed\""))
                .allSatisfy(event -> assertThat(event).doesNotContain("contract lost"));
        assertThat(events("batch.released")).as("the held batch was abandoned, not returned to the site").isEmpty();
    }

    @Test
    void theTenant_stillReadsItsFiles_andSeesTheirForwardsAbandoned_withTheTime() throws IOException {
        Route route = route(RouteMode.PUSH, 0);
        upload("/inbox/a.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());
        Instant before = Instant.now().minusMillis(1);

        removal().removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(test.core().files().list(client, PathPolicy.parse("/inbox"))).hasSize(1);
        try (FileContent content = test.core().files().open(client, PathPolicy.parse("/inbox/a.csv"))) {
            ByteBuffer buffer = ByteBuffer.allocate(3);
            content.read(0, buffer);
            assertThat(buffer.array()).containsExactly(1, 2, 3);
        }
        ForwardJob job = test.core().forwarding().fileState().of(client, PathPolicy.parse("/inbox/a.csv")).jobs()
                .get(0);
        assertThat(job.state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(job.abandonedAt()).hasValueSatisfying(at -> assertThat(at).isAfter(before));
    }

    @Test
    void aWorkerFinishingAfterTheAbandon_changesNothing() {
        Route route = route(RouteMode.PUSH, 0);
        upload("/inbox/a.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob job = claimOne();

        removal().removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(outbox().renew(job, LEASE, Instant.now())).isFalse();
        assertThat(outbox().complete(job, Optional.of("ab".repeat(32)), Instant.now())).isFalse();
        assertThat(outbox().fail(job, "timeout", false, Instant.now())).isEmpty();
        assertThat(outbox().fail(job, "refused", true, Instant.now())).isEmpty();
        assertThat(outbox().release(job, Instant.now())).isFalse();
        assertThat(outbox().find(job.id()).orElseThrow().state()).isEqualTo(ForwardState.ABANDONED);
    }

    /**
     * A worker's outcome and the removal at once (on PostgreSQL truly concurrent): a delivery that committed first
     * stays delivered and is not abandoned; otherwise the job ends abandoned whatever the worker reports.
     */
    @Test
    void aWorkerSettlingWhileItsSiteIsRemoved_neverRevivesAnAbandonedJob() throws Exception {
        for (int i = 0; i < 20; i++) {
            String site = "race-" + i;
            test.core().sites().createSite(site, site);
            Route route = test.core().sites().addRoute(client.tenant(), site, RouteMode.PUSH,
                    PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
            upload("/inbox/race" + i + ".csv");
            test.core().sites().removeRoute(client.tenant(), route.id());
            ForwardJob job = outbox().claim(site, "test-node", 1, LEASE, Instant.now()).get(0);
            boolean delivers = i % 2 == 0;
            RemovedSite[] removed = new RemovedSite[1];

            Race.Outcome outcome = Race.run(() -> settle(job, delivers),
                    () -> removed[0] = removal().removeSite(site, "race", "cli:test", UnfinishedWork.ABANDON));

            assertThat(outcome.second()).as("round %d: the removal", i).isTrue();
            ForwardState state = outbox().find(job.id()).orElseThrow().state();
            boolean abandoned = removed[0].forwardsAbandoned().contains(job.id());
            if (delivers && outcome.first()) {
                assertThat(state).as("round %d: delivered first", i).isEqualTo(ForwardState.DELIVERED);
                assertThat(abandoned).as("round %d", i).isFalse();
            } else {
                assertThat(state).as("round %d: worker %s", i, outcome.first() ? "failed first" : "refused")
                        .isEqualTo(ForwardState.ABANDONED);
                assertThat(abandoned).as("round %d", i).isTrue();
            }
        }
    }

    /**
     * An operator claiming a batch of its site while the site is removed (on PostgreSQL truly concurrent): the claim
     * either comes first, and its batch is abandoned all the same, or is refused; neither deadlocks with the other.
     */
    @Test
    void anOperatorClaimingWhileItsSiteIsRemoved_claimsFirstOrIsRefused_andTheBatchEndsAbandoned() throws Exception {
        for (int i = 0; i < 20; i++) {
            String site = "claim-" + i;
            OperatorPrincipal operator = test.operator(site, "op" + i, Protocol.SFTP);
            Route route = test.core().sites().addRoute(client.tenant(), site, RouteMode.PULL,
                    PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO);
            upload("/inbox/claim" + i + ".csv");
            test.core().sites().removeRoute(client.tenant(), route.id());
            String batch = test.core().batches().available(operator).get(0).id();

            Race.Outcome outcome = Race.run(() -> test.core().batches().claim(operator, batch),
                    () -> removal().removeSite(site, "race", "cli:test", UnfinishedWork.ABANDON));

            assertThat(outcome.second()).as("round %d: the removal", i).isTrue();
            assertThat(test.core().batches().byTenant(client.tenant())).filteredOn(b -> b.id().equals(batch))
                    .singleElement().extracting(Batch::state).as("round %d", i).isEqualTo(BatchState.ABANDONED);
        }
    }

    /**
     * An administrator revoking a site operator's SSH key while the site is removed, abandoning its work (on
     * PostgreSQL truly concurrent): a revocation deletes the key's row and then appends to the audit chain, so the
     * removal makes every row change (the operators' keys, tokens and TOTP secrets included) before its first
     * append; otherwise it held the chain's head while waiting for the key's row, and each waited for the other.
     * The revocation is started a little later in each round, to meet the removal at different points.
     */
    @Test
    void revokingAnOperatorsKeyWhileItsSiteIsRemoved_neverDeadlocks() throws Exception {
        for (int i = 0; i < 20; i++) {
            String site = "keys-" + i;
            String username = "keys" + i;
            test.operator(site, username, Protocol.SFTP);
            String fingerprint = test.core().sites().addOperatorSshKey(username, KEY).fingerprint();
            Route route = test.core().sites().addRoute(client.tenant(), site, RouteMode.PUSH,
                    PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
            for (int file = 0; file < 5; file++) {
                upload("/inbox/keys" + i + "-" + file + ".csv");
            }
            test.core().sites().removeRoute(client.tenant(), route.id());
            long delayMicros = i * 250L;

            Race.Outcome outcome = Race.run(() -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(delayMicros * 1000);
                        test.core().incidents().revocation().revokeSshKey(username, fingerprint, "leaked",
                                "cli:test");
                    },
                    () -> removal().removeSite(site, "race", "cli:test", UnfinishedWork.ABANDON));

            assertThat(outcome.second()).as("round %d: the removal", i).isTrue();
            long keysLeft = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM operator_ssh_keys k "
                    + "JOIN operators o ON o.id = k.operator_id WHERE o.username = ?", username));
            assertThat(keysLeft).as("round %d", i).isZero();
        }
    }

    /**
     * A retry of a dead job while its site's removal commits (PostgreSQL, where the two truly overlap; SQLite
     * serializes writers): the retry reads the site's row under a shared lock, so it waits for the removal and is
     * then refused, instead of reading the site as not removed and reviving the job behind the removal's back.
     */
    @Test
    void aRetryWhileItsSiteIsBeingRemoved_waitsForTheRemoval_andIsRefused() throws Exception {
        assumeTrue(test.database().dialect() == Dialect.POSTGRESQL, "row locks: PostgreSQL only");
        ForwardJob dead = deadJob();

        Future<ForwardJob> retry = HeldLocks.whileHeld(test.database(), jdbc -> {
            jdbc.queryOne("SELECT id FROM sites WHERE id = ? FOR UPDATE", row -> row.getString(1), "manila");
            jdbc.update("UPDATE sites SET removed_at = ? WHERE id = ?", Instant.now().toEpochMilli(), "manila");
        }, () -> outbox().retry(dead.id(), Instant.now()));

        assertThatThrownBy(() -> retry.get(30, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.getMessage()).contains("its site manila was removed"));
        assertThat(outbox().find(dead.id()).orElseThrow().state()).isEqualTo(ForwardState.DEAD);
    }

    /**
     * A retry whose job changed between its read and its update (here another retry committing first) is refused
     * with CONFLICT instead of answering as if it had made the job pending (PostgreSQL: SQLite serializes writers).
     */
    @Test
    void aRetryWhoseJobChangedMeanwhile_isRefused_notReportedAsDone() throws Exception {
        assumeTrue(test.database().dialect() == Dialect.POSTGRESQL, "row locks: PostgreSQL only");
        ForwardJob dead = deadJob();

        Future<ForwardJob> retry = HeldLocks.whileHeld(test.database(), jdbc -> jdbc.update("UPDATE forward_jobs SET state = 'PENDING', "
                + "version = version + 1, attempts = 0 WHERE id = ?", dead.id()),
                () -> outbox().retry(dead.id(), Instant.now()));

        assertThatThrownBy(() -> retry.get(30, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("changed while it was being retried (now PENDING)");
                });
    }

    /** A dead forward job of manila, whose route is gone. */
    private ForwardJob deadJob() {
        Route route = route(RouteMode.PUSH, 0);
        upload("/inbox/a.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob job = claimOne();
        outbox().fail(job, "refused", true, Instant.now());
        return job;
    }

    /** A worker's outcome of {@code job}: a delivery, or a failure to retry; refused if the job is no longer its. */
    private void settle(ForwardJob job, boolean delivers) {
        boolean settled = delivers ? outbox().complete(job, Optional.empty(), Instant.now())
                : outbox().fail(job, "timeout", false, Instant.now()).isPresent();
        if (!settled) {
            throw new GatewayException(Reason.CONFLICT, "lease lost");
        }
    }

    private Route route(RouteMode mode, long maxFiles) {
        return test.core().sites().addRoute(client.tenant(), "manila", mode, PathPolicy.parse("/inbox"), maxFiles, 0,
                Duration.ZERO);
    }

    private ForwardJob claimOne() {
        return outbox().claim("manila", "test-node", 1, LEASE, Instant.now()).get(0);
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
    }

    private SiteRemoval removal() {
        return test.core().incidents().siteRemoval();
    }

    private void upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
    }

    /** The canonical JSON of every audit event of a kind, in chain order. */
    private List<String> events(String kind) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = ? ORDER BY seq",
                row -> row.getString(1), kind));
    }

    private static void assertRefused(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
