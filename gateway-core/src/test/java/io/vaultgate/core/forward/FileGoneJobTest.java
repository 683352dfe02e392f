package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.path.PathPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A queued job whose file is gone before it is sent (deleted or replaced by its owner, expired) is settled ABANDONED
 * quietly: not DEAD, no dead-letter count, event or ERROR line suggesting a retry that could only fail.
 */
class FileGoneJobTest extends StubSiteTest {

    private final List<String> deadJobs = new CopyOnWriteArrayList<>();
    private final CountDownLatch delivered = new CountDownLatch(1);

    @BeforeEach
    void forwarderCountingDeadLetters() {
        forwarder.close();
        ForwardEvents events = new ForwardEvents() {
            @Override
            public void delivered(ForwardJob job, DeliveryOutcome.Delivered delivery) {
                delivered.countDown();
            }

            @Override
            public void dead(ForwardJob job, String error) {
                deadJobs.add(job.id());
            }
        };
        forwarder = new Forwarder(fixture.database, fixture.outbox, new DecryptingFileOpener(fixture.database,
                new FileRepository(), fixture.test.store(), fixture.test.keys()), new ForwarderSettings(4,
                Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024 * 1024), "node-a", fixture.meters, events, fixture.random, fixture.clock);
    }

    @Test
    void fileDeletedByItsOwnerBeforeItIsSent_jobIsAbandoned_notDeadLettered() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        fixture.test.core().files().delete(fixture.client, PathPolicy.parse("/inbox/a.csv"));

        assertThat(forwarder.runDue()).as("nothing attempted: nothing to send").isZero();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("no longer exists"));
        assertThat(deadJobs).isEmpty();
        assertThat(fixture.meters.find("vaultgate.forward.dead").counters())
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(fixture.meters.find("vaultgate.forward.failures").counters())
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(site.received()).isEmpty();
    }

    @Test
    void fileReplacedByANewUploadOfItsPath_oldJobIsAbandoned_newFileIsDelivered() {
        FileRecord old = fixture.uploadAndQueue("/inbox/a.csv", "old".getBytes(UTF_8));
        fixture.clock.advance(Duration.ofMillis(5));
        FileRecord replacement = fixture.uploadAndQueue("/inbox/a.csv", "new".getBytes(UTF_8));

        assertThat(forwarder.runDue()).as("only the new file was attempted").isEqualTo(1);

        assertThat(fixture.job(old).state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(fixture.job(replacement).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(replacement.id());
        assertThat(deadJobs).isEmpty();
    }

    @Test
    void jobAbandonedForItsGoneFile_isNotRetried() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        fixture.test.core().files().delete(fixture.client, PathPolicy.parse("/inbox/a.csv"));
        forwarder.runDue();
        String id = fixture.job(file).id();

        assertThatThrownBy(() -> fixture.outbox.retry(id, fixture.clock.instant()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("ABANDONED", "no longer exists");
                });
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.ABANDONED);
    }

    @Test
    void goneFile_doesNotEndTheWorkersTurn_theSitesNextFileFollowsAtOnce() throws Exception {
        fixture.configure(site.endpoint(), fixture.siteCa.certificate(), 1);
        FileRecord gone = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        fixture.clock.advance(Duration.ofMillis(5));
        FileRecord next = fixture.uploadAndQueue("/inbox/b.csv", "b".getBytes(UTF_8));
        fixture.test.core().files().delete(fixture.client, PathPolicy.parse("/inbox/a.csv"));

        assertThat(forwarder.dispatch()).isEqualTo(1);

        assertThat(delivered.await(10, SECONDS)).as("delivered in the same turn, without a poll").isTrue();
        assertThat(fixture.job(gone).state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(next.id());
    }
}
