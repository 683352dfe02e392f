package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A job claimed and then not sent is given back ({@link Outbox#release}: pending, its claim not counted). When that
 * UPDATE fails (the catalog busy, its connection dropped), the job used to keep its lease until the lease expired, and
 * then count its claim as an attempt: DEAD ("lease expired") if it was its last, though it was never sent. The
 * forwarder now remembers the failed give-back and tries it again at each poll ({@link GiveBacks}). The failure is a
 * real one of the catalog: a trigger refuses the release's UPDATE (the one change from {@code IN_FLIGHT} to
 * {@code PENDING} that takes an attempt back) while the catalog's clock is at or before the turn's instant, so exactly
 * the turn's give-back fails and a later poll's goes through. One attempt per job, so every claim is its last. And a
 * turn that ends because recording a failure failed gives back the job it had prepared to send next. Runs on
 * SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class FailedGiveBackTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private SiteStub site;
    private Forwarder forwarder;
    private final AtomicReference<Runnable> beforeLookup = new AtomicReference<>();
    private final CountDownLatch answer = new CountDownLatch(1);
    private final CountDownLatch secondPrepared = new CountDownLatch(1);
    private final ExecutorService turns = Executors.newSingleThreadExecutor();
    /** The forwarder's log lines (logged by its threads while the test reads them). */
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> logged = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    };
    private final Logger forwardLog = (Logger) LoggerFactory.getLogger("io.vaultgate.core.forward");
    private FileRecord first;
    private FileRecord second;

    @BeforeEach
    void oneAttemptPerJob() throws Exception {
        fixture = new ForwardFixture(home, new RetryPolicy(1, Duration.ofSeconds(10), Duration.ofMinutes(5)));
        site = fixture.stub();
        fixture.configure(site.endpoint(), fixture.siteCa.certificate(), 1);
        forwarder = forwarder();
        logged.start();
        forwardLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        forwardLog.detachAppender(logged);
        answer.countDown();
        turns.shutdownNow();
        forwarder.close();
        site.close();
        fixture.close();
    }

    /**
     * A turn's first job, paused by a lockdown after its claim, whose give-back fails: it stays leased only until the
     * next poll, which gives it back; after the unlock, past the claim's lease, it is sent once and delivered, its one
     * attempt spent on that delivery. Before, it stayed leased and went DEAD at the first claim after its lease.
     */
    @Test
    void pausedJobWhoseGiveBackFails_isGivenBackAtTheNextPoll_andDeliveredAfterTheUnlock_neverDead() {
        first = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        failReleasesUntil(fixture.clock.instant());
        beforeLookup.set(() -> fixture.test.core().administration().lock(ACME));

        assertThat(forwarder.runDue()).as("nothing was attempted").isZero();
        assertThat(beforeLookup.get()).as("the lockdown landed after the claim").isNull();
        ForwardJob kept = fixture.job(first);
        assertThat(kept.state()).as("the give-back failed: still leased").isEqualTo(ForwardState.IN_FLIGHT);
        assertThat(kept.attempts()).isEqualTo(1);

        fixture.clock.advance(Duration.ofSeconds(2)); // the next poll; the catalog takes the release again
        assertThat(forwarder.dispatch()).as("nothing due: the tenant is locked").isZero();
        assertGivenBack(first);

        deliveredAfterTheUnlock(first);
    }

    /**
     * The job a worker prepared while the file before it was on the wire, paused at its check before sending by a
     * lockdown meanwhile ({@link ForwardAttempt#stillToSend}): its failed give-back is retried the same way.
     */
    @Test
    void preparedJobPausedAtItsRecheck_whoseGiveBackFails_isGivenBackAtTheNextPoll_andDeliveredAfterTheUnlock()
            throws Exception {
        twoFilesAndAHeldSite();
        Future<Integer> turn = turns.submit(forwarder::runDue);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();
        failReleasesUntil(fixture.clock.instant());
        fixture.test.core().administration().lock(ACME);
        answer.countDown();

        assertThat(turn.get(10, SECONDS)).as("only the file on the wire was attempted").isEqualTo(1);
        assertThat(fixture.job(second).state()).as("the give-back failed").isEqualTo(ForwardState.IN_FLIGHT);

        fixture.clock.advance(Duration.ofSeconds(2));
        assertThat(forwarder.dispatch()).as("nothing due: the tenant is locked").isZero();
        assertGivenBack(second);

        deliveredAfterTheUnlock(second);
    }

    /**
     * A pool worker's turn stops after a failed attempt and gives back the next job it had prepared
     * ({@link NextJobs#giveBack}); that give-back fails: the next poll gives it back, and it is delivered then, its one
     * attempt spent on that delivery, instead of waiting out its lease and going DEAD unsent.
     */
    @Test
    void preparedJobGivenBackAfterAFailure_whoseGiveBackFails_isGivenBackAtTheNextPoll_andDelivered()
            throws Exception {
        twoFilesAndAHeldSite();
        site.answer(503);
        failReleasesUntil(fixture.clock.instant());
        assertThat(forwarder.dispatch()).as("one worker, which claims the second job itself").isEqualTo(1);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();
        answer.countDown();
        String secondJob = fixture.job(second).id();
        await(() -> lines.stream().anyMatch(line -> line.contains(secondJob) && line.contains("giving it back failed")),
                "the worker's give-back failed");
        assertThat(fixture.job(first).state()).as("its one attempt failed").isEqualTo(ForwardState.DEAD);
        assertThat(fixture.job(second).state()).isEqualTo(ForwardState.IN_FLIGHT);

        site.answer(201);
        fixture.clock.advance(Duration.ofSeconds(2));
        await(() -> {
            forwarder.dispatch(); // a poll
            return fixture.job(second).state() == ForwardState.DELIVERED;
        }, "the second job delivered by a later poll");

        assertThat(fixture.job(second).attempts()).as("only its delivery counted").isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key"))
                .containsExactly(first.id(), second.id());
        assertThat(deadJobs()).as("only the first, which failed").isEqualTo(1);
    }

    /**
     * Recording a failed attempt fails (the catalog refuses to settle the job DEAD): the failure ends the worker's
     * turn, and the next job it had prepared meanwhile is given back, pending with its claim not counted (and its file
     * and data key closed), instead of staying leased, unsent, until its lease expires and counts its claim.
     */
    @Test
    void preparedJob_isGivenBack_whenRecordingTheFailureBeforeItFails() throws Exception {
        twoFilesAndAHeldSite();
        site.answer(503);
        failUpdatesOfJobs("OLD.state = 'IN_FLIGHT' AND NEW.state = 'DEAD'");
        assertThat(forwarder.dispatch()).as("one worker, which claims the second job itself").isEqualTo(1);
        assertThat(secondPrepared.await(10, SECONDS)).isTrue();
        answer.countDown();

        await(() -> fixture.job(second).state() == ForwardState.PENDING, "the prepared job given back");
        ForwardJob givenBack = fixture.job(second);
        assertThat(givenBack.attempts()).as("its claim is not counted").isZero();
        assertThat(givenBack.leaseOwner()).isEmpty();
        assertThat(fixture.job(first).state()).as("its failure could not be recorded").isEqualTo(
                ForwardState.IN_FLIGHT);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(first.id());
    }

    /** Pending, its claim not counted, no lease, due as before (once the tenant is unlocked); nothing sent. */
    private void assertGivenBack(FileRecord file) {
        ForwardJob job = fixture.job(file);
        assertThat(job.state()).as("given back by the poll").isEqualTo(ForwardState.PENDING);
        assertThat(job.attempts()).as("its claim is not counted").isZero();
        assertThat(job.leaseOwner()).isEmpty();
        assertThat(job.nextAttemptAt()).isBeforeOrEqualTo(fixture.clock.instant());
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).doesNotContain(file.id());
    }

    /** Unlocks acme past the claim's lease: the job is sent once and delivered, with one attempt; none is dead. */
    private void deliveredAfterTheUnlock(FileRecord file) {
        fixture.test.core().administration().unlock(ACME);
        fixture.clock.advance(LEASE.plusMinutes(1));
        assertThat(forwarder.runDue()).isEqualTo(1);
        ForwardJob delivered = fixture.job(file);
        assertThat(delivered.state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(delivered.attempts()).as("only its delivery counted").isEqualTo(1);
        assertThat(site.received()).filteredOn(r -> r.header("Idempotency-Key").equals(file.id())).hasSize(1);
        assertThat(deadJobs()).as("no dead job").isZero();
    }

    private double deadJobs() {
        return fixture.meters.find("vaultgate.forward.dead").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /**
     * Queues {@link #first} and {@link #second} (both acme's), holds the site's answers until {@link #answer}, and
     * uses a forwarder that counts {@link #secondPrepared} down once the second file is open.
     */
    private void twoFilesAndAHeldSite() {
        first = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        fixture.clock.advance(Duration.ofMillis(5));
        second = fixture.uploadAndQueue("/inbox/b.csv", "b".getBytes(UTF_8));
        site.holdAnswers(answer);
    }

    /**
     * The fixture's forwarder (lease {@link #LEASE}), running {@link #beforeLookup} once before a claimed job's
     * lookup, and counting {@link #secondPrepared} down once {@link #second}'s file is open.
     */
    private Forwarder forwarder() {
        FileOpener files = new DecryptingFileOpener(fixture.database, new FileRepository(), fixture.test.store(),
                fixture.test.keys());
        FileOpener signalling = file -> {
            FileContent content = files.open(file);
            if (second != null && file.id().equals(second.id())) {
                secondPrepared.countDown();
            }
            return content;
        };
        return new Forwarder(fixture.database, fixture.outbox, signalling, java.util.Optional.empty(),
                new ForwarderSettings(4, LEASE, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        1024 * 1024), "node-a", fixture.meters, ForwardEvents.NONE, fixture.random, fixture.clock,
                job -> {
                    Runnable once = beforeLookup.getAndSet(null);
                    if (once != null) {
                        once.run();
                    }
                });
    }

    /**
     * Makes the catalog refuse every give-back ({@code IN_FLIGHT} to {@code PENDING} with an attempt taken back)
     * stamped at or before {@code until}, with an error raised by a trigger, as a failing catalog would.
     */
    private void failReleasesUntil(Instant until) {
        failUpdatesOfJobs("OLD.state = 'IN_FLIGHT' AND NEW.state = 'PENDING' AND NEW.attempts < OLD.attempts "
                + "AND NEW.updated_at <= " + until.toEpochMilli());
    }

    /** Makes the catalog refuse every update of a job row for which {@code when} holds, raised by a trigger. */
    private void failUpdatesOfJobs(String when) {
        fixture.database.inTransaction(jdbc -> {
            if (TestCatalog.postgresql()) {
                jdbc.update("CREATE FUNCTION fail_give_back() RETURNS trigger AS $$ BEGIN "
                        + "RAISE EXCEPTION 'injected catalog failure'; END $$ LANGUAGE plpgsql");
                jdbc.update("CREATE TRIGGER fail_give_back BEFORE UPDATE ON forward_jobs FOR EACH ROW WHEN (" + when
                        + ") EXECUTE FUNCTION fail_give_back()");
            } else {
                jdbc.update("CREATE TRIGGER fail_give_back BEFORE UPDATE ON forward_jobs WHEN " + when
                        + " BEGIN SELECT RAISE(ABORT, 'injected catalog failure'); END");
            }
            return null;
        });
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what + " within 10 s").isTrue();
            Thread.sleep(20);
        }
    }
}
