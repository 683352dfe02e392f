package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.SharedPostgresCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several gateway nodes on one PostgreSQL catalog: batch leases and a route's open batch are each taken
 * exactly once, and claimers pass over rows another holds ({@code FOR UPDATE SKIP LOCKED}) instead of
 * queueing. Each "node" here is its own {@link Database} (own pool, own connections).
 */
class PostgresLockingTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Instant EXPIRED = NOW.minusSeconds(60);

    private final BatchRepository batches = new BatchRepository();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private SharedPostgresCatalog catalog;
    private Database nodeA;
    private Database nodeB;

    @BeforeEach
    void twoNodesOnOneCatalog() {
        catalog = SharedPostgresCatalog.withRoute();
        nodeA = catalog.first();
        nodeB = catalog.node();
    }

    @AfterEach
    void dropCatalog() {
        threads.shutdownNow();
        catalog.close();
    }

    @Test
    void expiredLeases_lockedByOneNode_areSkippedByAnother_notWaitedFor() throws Exception {
        insert("b1", BatchState.CLAIMED, Optional.of(EXPIRED));
        insert("b2", BatchState.CLAIMED, Optional.of(EXPIRED));
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> holder = threads.submit(() -> nodeA.inTransaction(jdbc -> {
            int held = batches.byState(jdbc, BatchState.CLAIMED).size();
            locked.countDown();
            await(release);
            return held;
        }));
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

        Future<List<Batch>> other = threads.submit(() -> nodeB.inTransaction(jdbc ->
                batches.byState(jdbc, BatchState.CLAIMED)));

        assertThat(other.get(5, TimeUnit.SECONDS)).as("rows node A holds are skipped, not waited for").isEmpty();
        release.countDown();
        assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        List<Batch> afterwards = nodeB.inTransaction(jdbc -> batches.byState(jdbc, BatchState.CLAIMED));
        assertThat(afterwards).extracting(Batch::id).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void expiredLeases_racedForBySixNodes_areEachReleasedExactlyOnce() throws Exception {
        for (int i = 0; i < 40; i++) {
            insert(String.format("b%02d", i), BatchState.CLAIMED, Optional.of(EXPIRED));
        }
        List<Database> nodes = new ArrayList<>();
        List<Future<List<String>>> released = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            Database node = catalog.node();
            nodes.add(node);
            released.add(threads.submit(() -> node.inTransaction(jdbc -> {
                List<String> mine = new ArrayList<>();
                for (Batch batch : batches.byState(jdbc, BatchState.CLAIMED)) {
                    if (batches.transition(jdbc, batch.id(), BatchState.CLAIMED, BatchState.READY, Optional.empty(),
                            Optional.empty(), NOW)) {
                        mine.add(batch.id());
                    }
                }
                return mine;
            })));
        }

        List<String> all = new ArrayList<>();
        for (Future<List<String>> node : released) {
            all.addAll(node.get(60, TimeUnit.SECONDS));
        }
        nodes.forEach(Database::close);

        assertThat(all).hasSize(40).doesNotHaveDuplicates();
        long ready = nodeA.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM batches WHERE state = 'READY'"));
        assertThat(ready).isEqualTo(40);
    }

    @Test
    void oneReadyBatch_claimedByEightOperatorsAtOnce_hasExactlyOneHolder() throws Exception {
        insert("b1", BatchState.READY, Optional.empty());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String operator = "op" + i;
            Database node = i % 2 == 0 ? nodeA : nodeB;
            claims.add(threads.submit(() -> {
                start.await();
                return node.inTransaction(jdbc -> batches.transition(jdbc, "b1", BatchState.READY,
                        BatchState.CLAIMED, Optional.of(operator), Optional.of(NOW.plusSeconds(3600)), NOW));
            }));
        }
        start.countDown();

        int winners = 0;
        for (Future<Boolean> claim : claims) {
            winners += claim.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).isEqualTo(1);
    }

    @Test
    void openBatchOfARoute_isStartedOnce_whenTwoNodesCommitFilesOfItAtOnce() throws Exception {
        CountDownLatch looked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> first = threads.submit(() -> nodeA.inTransaction(jdbc -> {
            Optional<Batch> open = batches.openBatch(jdbc, "r1");
            looked.countDown();
            await(release);
            return open.isPresent() ? open.get().id() : start(jdbc, "b-first");
        }));
        assertThat(looked.await(30, TimeUnit.SECONDS)).isTrue();

        Future<String> second = threads.submit(() -> nodeB.inTransaction(jdbc -> {
            Optional<Batch> open = batches.openBatch(jdbc, "r1");
            return open.isPresent() ? open.get().id() : start(jdbc, "b-second");
        }));

        assertThatWaits(second);
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("b-first");
        assertThat(second.get(30, TimeUnit.SECONDS)).as("the second node joins the first one's batch")
                .isEqualTo("b-first");
        long open = nodeA.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM batches WHERE state = 'OPEN'"));
        assertThat(open).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertThatWaits(Future<?> future) throws Exception {
        try {
            future.get(500, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected the second node to wait for the route's lock");
        } catch (TimeoutException expected) {
            // waiting, as it should
        }
    }

    private String start(Jdbc jdbc, String id) throws java.sql.SQLException {
        batches.insert(jdbc, batch(id, BatchState.OPEN, Optional.empty()));
        return id;
    }

    private void insert(String id, BatchState state, Optional<Instant> lease) {
        nodeA.inTransaction(jdbc -> {
            batches.insert(jdbc, batch(id, state, lease));
            return null;
        });
    }

    private static Batch batch(String id, BatchState state, Optional<Instant> lease) {
        return new Batch(id, "r1", TenantId.of("acme"), "manila", state, 1, 10,
                lease.map(l -> "op-old"), lease, NOW.minusSeconds(3600), NOW.minusSeconds(3600));
    }
}
