package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.SharedPostgresCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL catalog, each changing a route's open batch at the same moment.
 *
 * <p>One commits a file replacing a file of the batch (the replaced file leaves the batch, then the new one is
 * routed, which locks the route), the other removes that route (locks it, then closes its open batch). Taking the
 * file out of the batch locks the route first, so the two take turns instead of each holding a row the other waits
 * for (a deadlock PostgreSQL would end by failing one of them).
 *
 * <p>One closes the batch (idle close, a clash, a full batch: the batch row locked, OPEN to READY), the other commits
 * a file the route takes. The router reads the open batch with its row locked, so it waits for the close and then
 * sees it READY: the file starts the next batch instead of joining one the site may already have listed, claimed or
 * completed.
 */
class PostgresBatchRemovalLockTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final BatchRepository batches = new BatchRepository();
    private final FileRepository files = new FileRepository();
    private final RouteRepository routes = new RouteRepository();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private SharedPostgresCatalog catalog;
    private Database nodeA;
    private Database nodeB;

    @BeforeEach
    void twoNodesOnOneCatalog() {
        catalog = SharedPostgresCatalog.withRoute();
        nodeA = catalog.first();
        nodeB = catalog.node();
        nodeA.inTransaction(jdbc -> {
            for (String file : new String[] {"f1", "f2"}) {
                jdbc.update("INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, created_at, "
                        + "updated_at) VALUES (?, 'acme', 'acc_1', ?, 'COMMITTED', '" + "0".repeat(32) + "', 5, 0, 0)",
                        file, "/inbox/" + file + ".csv");
            }
            jdbc.update("INSERT INTO batches (id, route_id, tenant_id, site_id, state, file_count, total_bytes, "
                    + "created_at, updated_at) VALUES ('b1', 'r1', 'acme', 'manila', 'OPEN', 1, 5, 0, 0)");
            return jdbc.update("INSERT INTO batch_files (batch_id, file_id) VALUES ('b1', 'f1')");
        });
    }

    @AfterEach
    void dropCatalog() {
        threads.shutdownNow();
        catalog.close();
    }

    @Test
    void replacingABatchedFile_whileItsRouteIsRemoved_bothCommit() throws Exception {
        CountDownLatch deleted = new CountDownLatch(1);
        CountDownLatch removing = new CountDownLatch(1);
        Future<Boolean> commit = threads.submit(() -> nodeA.inTransaction(jdbc -> {
            files.delete(jdbc, "f1");
            deleted.countDown();
            await(removing);
            pause(); // the removal's UPDATE of the route runs meanwhile, or waits for this transaction
            return batches.openBatch(jdbc, "r1").isPresent(); // as the Router routing the new file does
        }));
        Future<Boolean> removal = threads.submit(() -> {
            await(deleted);
            return nodeB.inTransaction(jdbc -> {
                removing.countDown();
                boolean retired = routes.retire(jdbc, ACME, "r1", NOW);
                return retired && batches.transition(jdbc, "b1", BatchState.OPEN, BatchState.READY, Optional.empty(),
                        Optional.empty(), NOW);
            });
        });

        assertThat(commit.get(30, TimeUnit.SECONDS)).as("the open batch, still open when the commit routed").isTrue();
        assertThat(removal.get(30, TimeUnit.SECONDS)).as("the route retired and its open batch closed").isTrue();
        assertThat(nodeA.read(jdbc -> batches.find(jdbc, "b1")).orElseThrow())
                .satisfies(batch -> assertThat(batch.state()).isEqualTo(BatchState.READY))
                .satisfies(batch -> assertThat(batch.fileCount()).isZero())
                .satisfies(batch -> assertThat(batch.totalBytes()).isZero());
    }

    @Test
    void aFileRoutedWhileItsOpenBatchIsClosed_startsTheNextBatch_andTheClosedOneKeepsWhatItHeld() throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        Future<Boolean> close = threads.submit(() -> nodeB.inTransaction(jdbc -> {
            jdbc.query("SELECT id FROM batches WHERE id = 'b1'" + jdbc.dialect().forUpdate(), row -> row.getString(1));
            boolean closed = batches.transition(jdbc, "b1", BatchState.OPEN, BatchState.READY, Optional.empty(),
                    Optional.empty(), NOW);
            closing.countDown();
            pause(); // the commit's router runs meanwhile, or waits for this transaction
            return closed;
        }));
        assertThat(closing.await(30, TimeUnit.SECONDS)).isTrue();
        Future<Optional<String>> route = threads.submit(() -> nodeA.inTransaction(jdbc -> {
            Optional<Batch> open = batches.openBatch(jdbc, "r1"); // as the Router routing f2 does
            if (open.isPresent()) {
                batches.addFile(jdbc, open.get().id(), "f2", 5, NOW);
            }
            return open.map(Batch::id);
        }));

        assertThat(close.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(route.get(30, TimeUnit.SECONDS)).as("no open batch once the close committed").isEmpty();
        assertThat(nodeA.read(jdbc -> batches.find(jdbc, "b1")).orElseThrow())
                .satisfies(batch -> assertThat(batch.state()).isEqualTo(BatchState.READY))
                .satisfies(batch -> assertThat(batch.fileCount()).isEqualTo(1));
        List<String> held = nodeA.read(jdbc -> jdbc.query("SELECT file_id FROM batch_files WHERE batch_id = 'b1'",
                row -> row.getString(1)));
        assertThat(held).containsExactly("f1");
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
