package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.TenantId;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job prepared while the file before it is on the wire (claimed, its key unwrapped, its decryption started) is
 * checked again right before it is sent: a lockdown, shred or delete that landed meanwhile stops it unsent. Each
 * test holds the site's answer to the first file until the second is prepared, changes the tenant or file, and
 * then lets the answer go.
 */
class PreparedJobRecheckTest extends StubSiteTest {

    private static final TenantId ACME = TenantId.of("acme");

    private final CountDownLatch answer = new CountDownLatch(1);
    private final CountDownLatch secondPrepared = new CountDownLatch(1);
    private final CountDownLatch firstRecorded = new CountDownLatch(1);
    private final ExecutorService turns = Executors.newSingleThreadExecutor();
    private FileRecord first;
    private FileRecord second;

    @BeforeEach
    void twoQueuedFilesAndAHeldSite() {
        first = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        fixture.clock.advance(Duration.ofMillis(5));
        second = fixture.uploadAndQueue("/inbox/b.csv", "secret-b".getBytes(UTF_8));
        site.holdAnswers(answer);
        forwarder.close();
        forwarder = signallingForwarder();
    }

    @AfterEach
    void releaseTheSite() {
        answer.countDown();
        turns.shutdownNow();
    }

    @Test
    void preparedJob_isNotSent_whenItsTenantIsShreddedWhileTheFileBeforeIsOnTheWire() throws Exception {
        Future<Integer> turn = turns.submit(forwarder::runDue);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();

        fixture.test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");
        answer.countDown();

        assertThat(turn.get(10, SECONDS)).as("only the file on the wire was attempted").isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(first.id());
        assertThat(fixture.outbox.byFile(second.id())).as("forgotten with its tenant").isEmpty();
    }

    /**
     * Only the shred's first step (the catalog marks the tenant SHREDDED; this node still holds its keys, as when the
     * shred runs on another node): the prepared job is settled ABANDONED at once, quietly (no failure, no dead job),
     * as a job whose lookup finds its tenant shredded ({@link TenantGate}; before review27 it was given back pending).
     */
    @Test
    void preparedJob_isAbandonedUnsent_whenItsTenantIsMarkedShreddedWhileTheFileBeforeIsOnTheWire() throws Exception {
        Future<Integer> turn = turns.submit(forwarder::runDue);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();

        fixture.markShredded(ACME.value());
        answer.countDown();

        assertThat(turn.get(10, SECONDS)).as("only the file on the wire was attempted").isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(first.id());
        ForwardJob abandoned = fixture.job(second);
        assertThat(abandoned.state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(abandoned.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("is never sent", "tenant acme was shredded"));
        assertThat(fixture.meters.find("vaultgate.forward.dead").counters()).as("no dead job")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(fixture.meters.find("vaultgate.forward.failures").counters()).as("no failure")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    @Test
    void preparedJob_isNotSent_whenItsTenantIsLockedWhileTheFileBeforeIsOnTheWire_andIsSentAfterUnlock()
            throws Exception {
        fixture.configure(site.endpoint(), fixture.siteCa.certificate(), 1);
        assertThat(forwarder.dispatch()).as("one worker, which claims the second job itself").isEqualTo(1);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();

        fixture.test.core().administration().lock(ACME);
        answer.countDown();
        assertThat(firstRecorded.await(10, SECONDS)).as("the file on the wire finishes").isTrue();

        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(first.id());
        ForwardJob held = fixture.job(second);
        assertThat(held.state()).isEqualTo(ForwardState.PENDING);
        assertThat(held.attempts()).as("its claim is not counted").isZero();
        assertThat(held.leaseOwner()).isEmpty();
        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.DELIVERED);

        fixture.test.core().administration().unlock(ACME);
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key"))
                .containsExactly(first.id(), second.id());
        assertThat(fixture.job(second).state()).isEqualTo(ForwardState.DELIVERED);
    }

    @Test
    void preparedJob_isNotSent_whenItsFileIsDeletedWhileTheFileBeforeIsOnTheWire() throws Exception {
        Future<Integer> turn = turns.submit(forwarder::runDue);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();

        fixture.test.core().files().delete(fixture.client, PathPolicy.parse("/inbox/b.csv"));
        answer.countDown();

        assertThat(turn.get(10, SECONDS)).isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(first.id());
        ForwardJob settled = fixture.job(second);
        assertThat(settled.state()).as("settled as a job whose file is gone").isEqualTo(ForwardState.ABANDONED);
        assertThat(settled.lastError()).hasValueSatisfying(error -> assertThat(error).contains("no longer exists"));
    }

    /**
     * The fixture's forwarder, whose opener counts {@link #secondPrepared} down once the second file is open (its
     * key unwrapped) and whose events count {@link #firstRecorded} down once the first delivery is recorded.
     */
    private Forwarder signallingForwarder() {
        FileOpener files = new DecryptingFileOpener(fixture.database, new FileRepository(), fixture.test.store(),
                fixture.test.keys());
        FileOpener signalling = file -> {
            FileContent content = files.open(file);
            if (file.id().equals(second.id())) {
                secondPrepared.countDown();
            }
            return content;
        };
        ForwardEvents events = new ForwardEvents() {
            @Override
            public void delivered(ForwardJob job, DeliveryOutcome.Delivered delivery) {
                if (job.fileId().equals(first.id())) {
                    firstRecorded.countDown();
                }
            }
        };
        return new Forwarder(fixture.database, fixture.outbox, signalling, new ForwarderSettings(4,
                Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024 * 1024), "node-a", fixture.meters, events, fixture.random, fixture.clock);
    }
}
