package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's action on a batch it claimed, decided while another node releases the lease and another operator
 * claims the batch (PostgreSQL, READ COMMITTED; SQLite runs one writer at a time): the other operator's claim stands.
 * The action reads the batch's row locked (it waits for the release and claim, and then sees them) and its change
 * compares the holder, not the state only.
 */
class BatchClaimRaceTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));
    private final BatchRepository batches = new BatchRepository();
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private OperatorPrincipal pedro;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        pedro = test.operator("manila", "pedro", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void reclaimAfterTheLeaseRanOut_racingItsReleaseAndPedrosClaim_leavesPedroHoldingTheBatch() throws Exception {
        String batchId = claimedByMaria();
        clock.advance(Duration.ofMinutes(31));

        Future<Batch> reclaim = HeldLocks.whileHeld(test.database(), jdbc -> releaseToPedro(jdbc, batchId),
                () -> test.core().batches().claim(maria, batchId));

        assertThat(refusal(reclaim)).as("maria's claim again, after pedro's claim committed").isPresent();
        assertHeldByPedro(batchId);
        assertThat(audited("batch.claimed")).as("maria's first claim only").isEqualTo(1);
    }

    /** Maria completes as her lease ends, while another node (its clock a little ahead) releases it to pedro. */
    @Test
    void complete_racingTheLeasesReleaseAndPedrosClaim_leavesPedrosClaimLive() throws Exception {
        String batchId = claimedByMaria();

        Future<Batch> complete = HeldLocks.whileHeld(test.database(), jdbc -> releaseToPedro(jdbc, batchId),
                () -> test.core().batches().complete(maria, batchId));

        assertThat(refusal(complete)).as("maria's completion of the batch pedro now holds").isPresent();
        assertHeldByPedro(batchId);
        assertThat(audited("batch.completed")).isZero();
    }

    @Test
    void operatorRemoval_racingTheLeasesReleaseAndPedrosClaim_releasesNothingOfPedros() throws Exception {
        String batchId = claimedByMaria();
        clock.advance(Duration.ofMinutes(31));
        Offboarding offboarding = test.core().incidents().offboarding();

        Future<Offboarding.RemovedOperator> removal = HeldLocks.whileHeld(test.database(),
                jdbc -> releaseToPedro(jdbc, batchId),
                () -> offboarding.removeOperator("maria", "left the company", "cli:test"));

        assertThat(removal.get(30, TimeUnit.SECONDS).batchesReleased()).as("maria held nothing once pedro claimed")
                .isEmpty();
        assertHeldByPedro(batchId);
    }

    private String claimedByMaria() {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().available(maria).get(0).id();
        test.core().batches().claim(maria, batchId);
        return batchId;
    }

    /** Another node's maintenance returning maria's lease to the site, and pedro's claim, in one held transaction. */
    private void releaseToPedro(Jdbc jdbc, String batchId) throws SQLException {
        Instant now = clock.instant();
        assertThat(batches.transition(jdbc, batchId, BatchState.CLAIMED, BatchState.READY, Optional.empty(),
                Optional.empty(), now)).isTrue();
        assertThat(batches.transition(jdbc, batchId, BatchState.READY, BatchState.CLAIMED,
                Optional.of(pedro.operatorId()), Optional.of(now.plus(Duration.ofMinutes(30))), now)).isTrue();
    }

    private void assertHeldByPedro(String batchId) {
        Batch after = test.database().read(jdbc -> batches.find(jdbc, batchId)).orElseThrow();
        assertThat(after.state()).isEqualTo(BatchState.CLAIMED);
        assertThat(after.claimedBy()).contains(pedro.operatorId());
    }

    private long audited(String kind) {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = ?", kind));
    }

    /** The action's refusal; empty if it succeeded. */
    private static Optional<GatewayException> refusal(Future<?> action) throws Exception {
        try {
            action.get(30, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException refused) {
                return Optional.of(refused);
            }
            throw e;
        }
    }
}
