package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's leases ({@link OutboxLeases}), through {@link Outbox}'s methods: claim, renewal, giving back and the
 * release of a restarted node's leases.
 */
class OutboxLeasesTest {

    private static final Duration LEASE = Duration.ofMinutes(10);

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private Outbox outbox;

    @BeforeEach
    void setUp() {
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1)));
        outbox = fixture.outbox;
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void claim_leasesAJobToOneOwner_untilItsLeaseExpires() {
        FileRecord file = fixture.upload("/inbox/a.csv", "a".getBytes());
        enqueue(file);

        List<ForwardJob> first = outbox.claim(ForwardFixture.SITE, "node-a", 5, LEASE, now());
        assertThat(first).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.IN_FLIGHT);
            assertThat(job.leaseOwner()).contains("node-a");
            assertThat(job.leaseExpiresAt()).contains(now().plus(LEASE));
            assertThat(job.attempts()).isEqualTo(1);
        });
        assertThat(outbox.claim(ForwardFixture.SITE, "node-b", 5, LEASE, now())).isEmpty();

        fixture.clock.advance(LEASE);
        assertThat(outbox.claim(ForwardFixture.SITE, "node-b", 5, LEASE, now())).singleElement()
                .satisfies(job -> assertThat(job.leaseOwner()).contains("node-b"));
    }

    @Test
    void claim_takesDueJobsInCommitOrder_andNoMoreThanTheLimit() {
        FileRecord a = fixture.upload("/inbox/a.csv", "a".getBytes());
        enqueue(a);
        fixture.clock.advance(Duration.ofSeconds(1));
        FileRecord b = fixture.upload("/inbox/b.csv", "b".getBytes());
        enqueue(b);

        assertThat(outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now())).extracting(ForwardJob::fileId)
                .containsExactly(a.id());
        assertThat(outbox.claim(ForwardFixture.SITE, "n", 0, LEASE, now())).isEmpty();
    }

    @Test
    void expiredLeaseOnTheLastAttempt_makesTheJobDead_insteadOfATryTooMany() {
        FileRecord file = fixture.upload("/inbox/a.csv", "a".getBytes());
        enqueue(file);
        failOnce();
        fixture.clock.advance(Duration.ofMinutes(1));
        failOnce();
        fixture.clock.advance(Duration.ofMinutes(1));
        assertThat(outbox.claim(ForwardFixture.SITE, "dies", 1, LEASE, now())).hasSize(1);

        fixture.clock.advance(LEASE);
        assertThat(outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now())).isEmpty();
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DEAD);
        assertThat(fixture.job(file).lastError()).hasValueSatisfying(e -> assertThat(e).contains("lease"));
    }

    @Test
    void release_makesAnUnsentClaimPendingAgain_withoutCountingItAsAnAttempt_unlessTheLeaseWasLost() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob claimed = outbox.claim(ForwardFixture.SITE, "a", 1, LEASE, now()).get(0);
        assertThat(claimed.attempts()).isEqualTo(1);

        assertThat(outbox.release(claimed, now())).isTrue();

        assertThat(outbox.find(claimed.id())).hasValueSatisfying(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.PENDING);
            assertThat(job.attempts()).isZero();
            assertThat(job.leaseOwner()).isEmpty();
            assertThat(job.nextAttemptAt()).isEqualTo(claimed.nextAttemptAt());
        });
        assertThat(outbox.release(claimed, now())).as("released already: its version moved on").isFalse();
        ForwardJob again = outbox.claim(ForwardFixture.SITE, "b", 1, LEASE, now()).get(0);
        assertThat(again.attempts()).as("due at once, counted from where it was").isEqualTo(1);
        fixture.clock.advance(LEASE);
        ForwardJob takenOver = outbox.claim(ForwardFixture.SITE, "c", 1, LEASE, now()).get(0);
        assertThat(outbox.release(again, now())).as("the lease was lost").isFalse();
        assertThat(outbox.find(again.id())).hasValueSatisfying(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.IN_FLIGHT);
            assertThat(job.leaseOwner()).contains("c");
            assertThat(job.attempts()).isEqualTo(takenOver.attempts()).isEqualTo(2);
        });
    }

    @Test
    void renew_extendsTheHoldersLease_butNotATakenOverOne() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob held = outbox.claim(ForwardFixture.SITE, "a", 1, LEASE, now()).get(0);
        fixture.clock.advance(LEASE.minusMinutes(1));
        assertThat(outbox.renew(held, LEASE, now())).isTrue();
        fixture.clock.advance(Duration.ofMinutes(5));
        assertThat(outbox.claim(ForwardFixture.SITE, "b", 1, LEASE, now())).as("renewed, not due").isEmpty();
        assertThat(outbox.complete(held, Optional.empty(), now())).as("renewal keeps the version").isTrue();

        enqueue(fixture.upload("/inbox/b.csv", "b".getBytes()));
        ForwardJob lost = outbox.claim(ForwardFixture.SITE, "a", 1, LEASE, now()).get(0);
        fixture.clock.advance(LEASE);
        assertThat(outbox.renew(lost, LEASE, now())).as("already expired").isFalse();
        outbox.claim(ForwardFixture.SITE, "b", 1, LEASE, now());
        assertThat(outbox.renew(lost, LEASE, now())).as("taken over").isFalse();
    }

    @Test
    void restartedNode_releasesTheLeasesItHeld_dueAtOnce_andDeadIfItWasTheLastAttempt() {
        FileRecord first = fixture.upload("/inbox/a.csv", "a".getBytes());
        FileRecord second = fixture.upload("/inbox/b.csv", "b".getBytes());
        FileRecord other = fixture.upload("/inbox/c.csv", "c".getBytes());
        enqueue(first);
        enqueue(second);
        outbox.claim(ForwardFixture.SITE, "node-a", 2, LEASE, now());
        enqueue(other);
        outbox.claim(ForwardFixture.SITE, "node-b", 1, LEASE, now());
        fixture.database.inTransaction(jdbc -> jdbc.update("UPDATE forward_jobs SET attempts = 3 WHERE file_id = ?",
                second.id()));

        assertThat(outbox.releaseLeasesOf("node-a", now())).isEqualTo(2);

        assertThat(outbox.byFile(first.id()).get(0)).satisfies(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.PENDING);
            assertThat(job.nextAttemptAt()).isEqualTo(now());
            assertThat(job.attempts()).as("the interrupted attempt still counts").isEqualTo(1);
            assertThat(job.leaseOwner()).isEmpty();
        });
        assertThat(outbox.byFile(second.id()).get(0).state()).isEqualTo(ForwardState.DEAD);
        assertThat(outbox.byFile(other.id()).get(0).leaseOwner()).as("another node's lease is kept")
                .contains("node-b");
        assertThat(outbox.claim(ForwardFixture.SITE, "node-a", 5, LEASE, now())).extracting(ForwardJob::fileId)
                .containsExactly(first.id());
    }

    private ForwardState failOnce() {
        ForwardJob job = outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now()).get(0);
        return outbox.fail(job, "boom", false, now()).orElseThrow();
    }

    private boolean enqueue(FileRecord file) {
        return fixture.database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, ForwardFixture.SITE, now()));
    }

    private Instant now() {
        return fixture.clock.instant();
    }
}
