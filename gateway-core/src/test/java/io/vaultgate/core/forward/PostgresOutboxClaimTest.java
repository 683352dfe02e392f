package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.PostgresDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarding outbox shared by several gateway nodes on one PostgreSQL catalog: an outbox built on a
 * PostgreSQL database claims with {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once pass over each
 * other's rows and every job is leased to exactly one of them. Each node is its own {@link Database}.
 */
class PostgresOutboxClaimTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final RetryPolicy RETRY = new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofMinutes(10));

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Database> nodes = new ArrayList<>();
    private String name;

    @BeforeEach
    void catalogWithDueJobs() {
        name = PostgresDatabases.createMigrated(); // a copy of the migrated template: the test is about the race
        node().inTransaction(jdbc -> {
            jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', "
                    + "'ACTIVE', 'HTTPS', 0)");
            jdbc.update("INSERT INTO sites (id, name, created_at) VALUES ('manila', 'Manila', 0)");
            for (int i = 0; i < 60; i++) {
                jdbc.update("INSERT INTO forward_jobs (id, file_id, tenant_id, site_id, state, next_attempt_at, "
                        + "created_at, updated_at) VALUES (?, ?, 'acme', 'manila', 'PENDING', 0, ?, 0)",
                        String.format("fw_%02d", i), String.format("f_%02d", i), i);
            }
            return null;
        });
    }

    @AfterEach
    void dropCatalog() {
        threads.shutdownNow();
        nodes.forEach(Database::close);
        PostgresDatabases.drop(name);
    }

    @Test
    void jobsLockedByAClaimInProgress_areSkippedByAnotherNode_notWaitedFor() throws Exception {
        Database first = node();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> claiming = threads.submit(() -> first.inTransaction(jdbc -> {
            jdbc.query("SELECT id FROM forward_jobs WHERE id IN ('fw_00', 'fw_01') FOR UPDATE", row -> row.getString(1));
            locked.countDown();
            await(release);
            return null;
        }));
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

        Outbox other = new Outbox(node(), RETRY, new SecureRandom());
        Future<List<ForwardJob>> claim = threads.submit(() -> other.claim("manila", "node-b", 3, LEASE, NOW));

        assertThat(claim.get(10, TimeUnit.SECONDS)).as("the oldest jobs are held elsewhere: skipped, not waited for")
                .extracting(ForwardJob::id).containsExactly("fw_02", "fw_03", "fw_04");
        release.countDown();
        claiming.get(30, TimeUnit.SECONDS);
    }

    @Test
    void sixNodesClaimingAtOnce_leaseEveryJobExactlyOnce() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> claimed = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            Outbox outbox = new Outbox(node(), RETRY, new SecureRandom());
            String owner = "node-" + n;
            claimed.add(threads.submit(() -> {
                start.await();
                List<String> mine = new ArrayList<>();
                for (List<ForwardJob> batch = outbox.claim("manila", owner, 4, LEASE, NOW); !batch.isEmpty();
                     batch = outbox.claim("manila", owner, 4, LEASE, NOW)) {
                    batch.forEach(job -> mine.add(job.id()));
                }
                return mine;
            }));
        }
        start.countDown();

        List<String> all = new ArrayList<>();
        for (Future<List<String>> node : claimed) {
            all.addAll(node.get(120, TimeUnit.SECONDS));
        }

        assertThat(all).hasSize(60).doesNotHaveDuplicates();
        long leasedOnce = node().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE state = 'IN_FLIGHT' "
                + "AND attempts = 1"));
        assertThat(leasedOnce).isEqualTo(60);
    }

    private Database node() {
        Database node = PostgresDatabases.open(name);
        nodes.add(node);
        return node;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
