package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review27: a job's claim takes only jobs of ACTIVE tenants, but a lockdown or shred can land between the claim and
 * the job's request, while it is prepared. The job's lookup ({@link JobLookup}) reads its tenant's status, so the
 * first job of a worker's turn, a job run by hand and every other job are stopped there ({@link TenantGate}): nothing
 * is sent; a locked tenant's job is given back pending, its claim not counted, and sent once after the unlock; a
 * shredded tenant's job is settled ABANDONED at once, quietly (a planned offboarding: no failure, no dead letter), and
 * the turn goes on with the site's next job. The change lands in that window for real: the forwarder runs it right
 * before the job's lookup, after its claim. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on
 * PostgreSQL.
 */
class TenantChangedAfterClaimTest extends StubSiteTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final byte[] HELLO = "hello".getBytes(UTF_8);

    /** Run once, right before the lookup of the job of {@link #target}. */
    private final AtomicReference<Runnable> beforeLookup = new AtomicReference<>();
    private FileRecord target;

    @Test
    void tenantLockedAfterTheClaim_firstJobOfTheTurnIsNotSent_isPendingUncounted_andIsSentOnceAfterTheUnlock() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        changeAfterTheClaim(() -> fixture.test.core().administration().lock(ACME));

        assertThat(forwarder.runDue()).as("nothing was attempted").isZero();

        assertPausedAndUnsent();
        fixture.test.core().administration().unlock(ACME);
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(forwarder.runDue()).isZero();
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(target.id());
        assertThat(fixture.job(target).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(target).attempts()).as("only the delivery counted").isEqualTo(1);
    }

    @Test
    void tenantLockedAfterTheClaim_theTurnGoesOnWithTheSitesJobsOfOtherTenants() {
        FileRecord other = queueTargetThenAnotherTenantsFile();
        changeAfterTheClaim(() -> fixture.test.core().administration().lock(ACME));

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertPausedAndUnsentBut(other);
        assertThat(fixture.job(other).state()).isEqualTo(ForwardState.DELIVERED);
    }

    /** A worker of the pool (the started forwarder's path): the job it was handed is its turn's first. */
    @Test
    void tenantLockedAfterTheClaim_aPoolWorkersFirstJobIsNotSent_andIsSentAfterTheUnlock() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        changeAfterTheClaim(() -> fixture.test.core().administration().lock(ACME));

        assertThat(forwarder.dispatch()).isEqualTo(1);
        forwarder.close(); // waits for the worker's turn to end

        assertPausedAndUnsent();
        forwarder = fixture.forwarder("node-a");
        fixture.test.core().administration().unlock(ACME);
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(target.id());
    }

    @Test
    void tenantLockedAfterAClaimByHand_runAnswersPaused_andSendsNothing() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        List<ForwardJob> claimed = fixture.outbox.claim(ForwardFixture.SITE, "node-a", 1, Duration.ofMinutes(10),
                fixture.clock.instant());
        fixture.test.core().administration().lock(ACME);

        DeliveryOutcome outcome = forwarder.run(claimed.get(0));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Paused.class);
        assertThat(((DeliveryOutcome.Paused) outcome).reason()).contains("tenant acme is locked down");
        assertPausedAndUnsent();
    }

    /**
     * A shred run on another node: the catalog marks the tenant SHREDDED, and this node still holds its keys (it has
     * not destroyed them yet, or its keystore copy keeps them). The keys would open the file; the lookup stops it.
     */
    @Test
    void tenantShreddedAfterTheClaim_keysStillHeldHere_jobIsAbandonedQuietly_nothingSent() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        changeAfterTheClaim(() -> fixture.markShredded("acme"));

        assertThat(forwarder.runDue()).as("nothing was attempted").isZero();

        assertAbandonedAsShredded();
        assertThat(site.received()).isEmpty();
    }

    /** review27 L1: a shredded tenant's job found at a turn's first lookup ends nothing; the turn goes on. */
    @Test
    void tenantShreddedAfterTheClaim_theTurnGoesOnWithTheSitesJobsOfOtherTenants() {
        FileRecord other = queueTargetThenAnotherTenantsFile();
        changeAfterTheClaim(() -> fixture.markShredded("acme"));

        assertThat(forwarder.runDue()).as("only the other tenant's job was attempted").isEqualTo(1);

        assertAbandonedAsShredded();
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(other.id());
        assertThat(fixture.job(other).state()).isEqualTo(ForwardState.DELIVERED);
    }

    /**
     * review27 L1, a worker of the pool (one at a time for the site): its turn's first job meets the shred at its
     * lookup, and the turn does not stop there as after a failure, but claims and sends the site's next job.
     */
    @Test
    void tenantShreddedAfterTheClaim_aPoolWorkersTurnGoesOnWithTheSitesNextJob() throws InterruptedException {
        fixture.configure(site.endpoint(), fixture.siteCa.certificate(), 1);
        FileRecord other = queueTargetThenAnotherTenantsFile();
        changeAfterTheClaim(() -> fixture.markShredded("acme"));

        assertThat(forwarder.dispatch()).as("one worker, handed the shredded tenant's job").isEqualTo(1);
        // not polling: only the worker's turn can claim the other job (a close now would stop the turn's next claim)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (fixture.job(other).state() != ForwardState.DELIVERED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        forwarder.close(); // waits for the worker's turn to end

        assertAbandonedAsShredded();
        assertThat(fixture.job(other).state()).as("sent in the same turn").isEqualTo(ForwardState.DELIVERED);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(other.id());
        forwarder = fixture.forwarder("node-a");
    }

    @Test
    void tenantShreddedAfterAClaimByHand_runAnswersGone_andSendsNothing() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        List<ForwardJob> claimed = fixture.outbox.claim(ForwardFixture.SITE, "node-a", 1, Duration.ofMinutes(10),
                fixture.clock.instant());
        fixture.markShredded("acme");

        DeliveryOutcome outcome = forwarder.run(claimed.get(0));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Gone.class, gone -> assertThat(gone.reason())
                .contains("is never sent", "tenant acme was shredded"));
        assertThat(site.received()).isEmpty();
        assertAbandonedAsShredded();
    }

    /** Nothing reached the site; the job is pending, due now, its claim not counted, and no failure counted. */
    private void assertPausedAndUnsent() {
        assertThat(site.received()).isEmpty();
        assertPaused();
    }

    private void assertPausedAndUnsentBut(FileRecord sent) {
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(sent.id());
        assertPaused();
    }

    private void assertPaused() {
        assertThat(beforeLookup.get()).as("the change ran in the window").isNull();
        ForwardJob job = fixture.job(target);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.attempts()).as("its claim is not counted").isZero();
        assertThat(job.leaseOwner()).isEmpty();
        assertThat(job.nextAttemptAt()).as("due as before, once the tenant is unlocked")
                .isBeforeOrEqualTo(fixture.clock.instant());
        assertThat(fixture.meters.find("vaultgate.forward.failures").counters()).as("no failure")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    /**
     * The shredded tenant's job is ABANDONED with the shred as its reason (nothing to retry), and neither a dead job
     * nor a failure is counted: a planned offboarding is no fault, and no dead letter (alert, audit, ERROR) is raised.
     */
    private void assertAbandonedAsShredded() {
        assertThat(beforeLookup.get()).as("the change ran in the window").isNull();
        ForwardJob job = fixture.job(target);
        assertThat(job.state()).isEqualTo(ForwardState.ABANDONED);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("is never sent", "tenant acme was shredded"));
        assertThat(fixture.meters.find("vaultgate.forward.dead").counters()).as("no dead job")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
        assertThat(fixture.meters.find("vaultgate.forward.failures").counters()).as("no failure")
                .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }

    /** Replaces the forwarder with one that runs {@code change} once, after the claim of {@link #target}'s job. */
    /** Queues {@link #target} (tenant acme), then a file of tenant globex for the same site; returns globex's. */
    private FileRecord queueTargetThenAnotherTenantsFile() {
        target = fixture.uploadAndQueue("/inbox/a.csv", HELLO);
        fixture.clock.advance(Duration.ofMillis(5));
        ClientPrincipal globex = fixture.test.client("globex", "globex-upload", Protocol.HTTPS);
        return fixture.queue(fixture.upload(globex, "/inbox/g.csv", "g".getBytes(UTF_8)));
    }

    private void changeAfterTheClaim(Runnable change) {
        beforeLookup.set(change);
        forwarder.close();
        forwarder = fixture.forwarder("node-a", job -> {
            if (job.fileId().equals(target.id())) {
                Runnable once = beforeLookup.getAndSet(null);
                if (once != null) {
                    assertThat(fixture.job(target).state()).as("claimed").isEqualTo(ForwardState.IN_FLIGHT);
                    once.run();
                }
            }
        });
    }
}
