package io.vaultgate.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.forward.ForwarderSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cores on one catalog, as two gateway nodes whose clocks disagree by an hour: forward-job leases and operators'
 * batch leases are written and judged on the catalog's time ({@link CatalogClock}), so a node whose clock runs ahead
 * takes over neither a job nor a batch that a live node holds, and a node whose clock lags still takes over an
 * expired lease in time. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class ClockSkewLeaseTest {

    private static final String SITE = "manila";
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(10);
    private static final Duration LONG_LEASE = Duration.ofMinutes(10);
    private static final Duration SHORT_LEASE = Duration.ofSeconds(1);
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path home;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private ClientPrincipal client;
    private OperatorPrincipal maria;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void aNodeAnHourAhead_takesOverNeitherTheForwardJobNorTheBatchALiveNodeHolds() throws Exception {
        TestCore a = open("node-a", true, Clock.systemUTC(), LONG_LEASE);
        join(a);
        ForwardJob job = claimJob(a, "node-a", LONG_LEASE);
        Batch batch = claimBatch(a);

        TestCore ahead = open("node-b", false, Clock.offset(Clock.systemUTC(), HOUR), LONG_LEASE);
        join(ahead);
        assertThat(ahead.core().nodes().clock().skew().toMillis()).as("measured at the join")
                .isCloseTo(HOUR.toMillis(), Offset.offset(5_000L));

        assertThat(runDue(ahead, "node-b")).as("no job of node B's is due").isZero();
        assertThat(ahead.core().forwarding().outbox().find(job.id()).orElseThrow()).satisfies(now -> {
            assertThat(now.state()).isEqualTo(ForwardState.IN_FLIGHT);
            assertThat(now.leaseOwner()).contains("node-a");
            assertThat(now.version()).isEqualTo(job.version());
        });
        assertThat(ahead.core().batches().maintain()).as("no lease released").isZero();
        assertThat(batchState(a, batch)).isEqualTo("CLAIMED " + maria.operatorId());

        // the operator's session on node B still holds the batch it claimed through node A
        assertThat(ahead.core().batches().complete(maria, batch.id()).state()).isEqualTo(BatchState.COMPLETED);
    }

    @Test
    void aNodeAnHourBehind_takesOverTheExpiredLeasesOfAStoppedNode_inTime() throws Exception {
        TestCore a = open("node-a", true, Clock.systemUTC(), SHORT_LEASE);
        ForwardJob job = claimJob(a, "node-a", SHORT_LEASE);
        Batch batch = claimBatch(a);
        // node A stops here: its leases run out a second later

        TestCore behind = open("node-c", false, Clock.offset(Clock.systemUTC(), HOUR.negated()), LONG_LEASE);
        join(behind);
        long deadline = System.nanoTime() + SHORT_LEASE.plusSeconds(5).toNanos();
        int ran = 0;
        int released = 0;
        while ((ran == 0 || released == 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            ran += runDue(behind, "node-c");
            released += behind.core().batches().maintain();
        }
        assertThat(ran).as("node C took the job over within seconds of its lease's end").isEqualTo(1);
        assertThat(behind.core().forwarding().outbox().find(job.id()).orElseThrow().attempts()).isEqualTo(2);
        assertThat(released).as("node C released the batch within seconds of its lease's end").isEqualTo(1);
        assertThat(batchState(a, batch)).isEqualTo("READY null");
    }

    /** A core of node {@code id} over the shared home; the first one creates it, with a tenant, a site and routes. */
    private TestCore open(String id, boolean create, Clock clock, Duration batchLease) {
        GatewayCore.Settings settings = new GatewayCore.Settings(Duration.ofHours(24), 64, batchLease)
                .withNode(NodeSettings.of(id).withTiming(HEARTBEAT, DEAD_AFTER));
        TestCore core = create ? TestCore.create(home, settings, clock) : TestCore.reopen(home, settings, clock);
        opened.add(core);
        if (create) {
            client = core.client("acme", "alice", Protocol.SFTP);
            maria = core.operator(SITE, "maria", Protocol.SFTP);
            core.core().sites().addRoute(client.tenant(), SITE, RouteMode.PUSH, PathPolicy.parse("/inbox/out"), 0, 0,
                    Duration.ZERO);
            core.core().sites().addRoute(client.tenant(), SITE, RouteMode.PULL, PathPolicy.parse("/inbox/batch"), 10, 0,
                    Duration.ZERO);
        }
        return core;
    }

    private void join(TestCore core) {
        opened.add(core.core().nodes().join());
    }

    /** Commits a file the push route queues, and claims its job for {@code owner} as that node's forwarder does. */
    private ForwardJob claimJob(TestCore node, String owner, Duration lease) {
        node.upload(client, "/inbox/out/report.csv", "report");
        List<ForwardJob> claimed = node.core().forwarding().outbox().claim(SITE, owner, 1, lease,
                node.core().nodes().clock().instant());
        assertThat(claimed).hasSize(1);
        return claimed.get(0);
    }

    /** Commits a file to the pull route, closes its batch and has maria claim it on {@code node}. */
    private Batch claimBatch(TestCore node) {
        node.upload(client, "/inbox/batch/data.csv", "data");
        node.upload(client, "/inbox/batch/batch.ready", "");
        Batch ready = node.core().batches().available(maria).get(0);
        return node.core().batches().claim(maria, ready.id());
    }

    /** Runs what node {@code nodeId}'s forwarder finds due (the site has no endpoint: each attempt just fails). */
    private static int runDue(TestCore node, String nodeId) {
        Forwarder forwarder = node.core().forwarding().forwarder(ForwarderSettings.defaults(), nodeId,
                new SimpleMeterRegistry());
        try {
            return forwarder.runDue();
        } finally {
            forwarder.close();
        }
    }

    private static String batchState(TestCore node, Batch batch) {
        return node.database().read(jdbc -> jdbc.queryOne("SELECT state, claimed_by FROM batches WHERE id = ?",
                row -> row.getString(1) + " " + row.getString(2), batch.id())).orElseThrow();
    }
}
