package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatch (the poller's, or the one started at once after a delivery) that is claiming when the forwarder closes:
 * its claim commits after the pool was shut down, and the pool refuses the job. The job is given back ({@link
 * GiveBacks}: pending, the claim not counted), not left leased to this node, an attempt spent, to go DEAD at the
 * node's restart with "the node stopped while sending" although nothing was sent. SQLite: another transaction holds
 * the write lock, so the dispatch waits in its claim while close() runs.
 */
class CloseDuringDispatchTest {

    @TempDir
    Path home;

    @Test
    void jobsClaimedByADispatchRunningAtClose_areGivenBackPending_notLeftLeased() throws Exception {
        Assumptions.assumeFalse(TestCatalog.postgresql(), "holds SQLite's write lock; PostgreSQL's row locks let the "
                + "claim through");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (ForwardFixture fixture = new ForwardFixture(home, new RetryPolicy(1, Duration.ofSeconds(10),
                Duration.ofMinutes(5))); SiteStub site = fixture.stub()) {
            fixture.configure(site.endpoint(), fixture.siteCa.certificate(), 1);
            FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(1000));
            String job = fixture.job(file).id();
            Forwarder forwarder = fixture.forwarder("node-a"); // not started: this test is its poller

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> fixture.database.inTransaction(jdbc -> {
                jdbc.update("UPDATE sites SET name = name WHERE id = 'manila'");
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Integer> dispatching = threads.submit(forwarder::dispatch);
            Thread.sleep(3000); // the dispatch has found the site due and waits in its claim for the write lock
            assertThat(dispatching.isDone()).isFalse();
            forwarder.close(); // SIGTERM's path: dispatcher stopped, pool shut down (nothing ran), give-backs retried
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
            assertThat(dispatching.get(30, TimeUnit.SECONDS)).as("nothing was started on the shut pool").isZero();

            ForwardJob after = fixture.outbox.find(job).orElseThrow();
            assertThat(after.state()).as("a job the closing forwarder claimed but never sent is given back pending")
                    .isEqualTo(ForwardState.PENDING);
            assertThat(after.attempts()).as("its claim not counted").isZero();
            assertThat(after.leaseOwner()).isEmpty();
            assertThat(site.received()).isEmpty();

            // one attempt allowed: a restart of node-a does not make it DEAD ("the node stopped while sending")
            Forwarder restarted = fixture.forwarder("node-a");
            restarted.start();
            restarted.close();
            assertThat(fixture.outbox.find(job).orElseThrow().state()).isNotEqualTo(ForwardState.DEAD);
        } finally {
            threads.shutdownNow();
        }
    }
}
