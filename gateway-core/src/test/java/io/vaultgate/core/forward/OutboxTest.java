package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
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

class OutboxTest {

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
    void enqueue_isIdempotentPerFileAndSite() {
        FileRecord file = fixture.upload("/inbox/a.csv", "a".getBytes());
        assertThat(enqueue(file)).isTrue();
        assertThat(enqueue(file)).isFalse();
        assertThat(outbox.byFile(file.id())).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.PENDING);
            assertThat(job.attempts()).isZero();
            assertThat(job.tenant().value()).isEqualTo("acme");
        });
    }

    @Test
    void enqueueRolledBackWithItsTransaction_leavesNoJob() {
        FileRecord file = fixture.upload("/inbox/a.csv", "a".getBytes());
        assertThatThrownBy(() -> fixture.database.inTransaction(jdbc -> {
            outbox.enqueue(jdbc, file, ForwardFixture.SITE, now());
            throw new IllegalStateException("commit failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(outbox.byFile(file.id())).isEmpty();
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
    void failures_backOffExponentially_thenGoDead_andRetryRevivesOnlyDeadJobs() {
        FileRecord file = fixture.upload("/inbox/a.csv", "a".getBytes());
        enqueue(file);

        assertThat(failOnce()).isEqualTo(ForwardState.PENDING);
        assertThat(delayOf(file)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        fixture.clock.advance(Duration.ofSeconds(10));
        assertThat(failOnce()).isEqualTo(ForwardState.PENDING);
        assertThat(delayOf(file)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
        fixture.clock.advance(Duration.ofSeconds(20));
        assertThat(failOnce()).isEqualTo(ForwardState.DEAD);
        assertThat(outbox.claim(ForwardFixture.SITE, "n", 5, LEASE, now().plus(Duration.ofDays(1)))).isEmpty();

        ForwardJob revived = outbox.retry(fixture.job(file).id(), now());
        assertThat(revived.state()).isEqualTo(ForwardState.PENDING);
        assertThat(revived.attempts()).isZero();
        assertThat(revived.lastError()).contains("boom");
        assertThatThrownBy(() -> outbox.retry(revived.id(), now())).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> outbox.retry("fw_missing", now())).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void permanentFailure_goesDeadAtOnce() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob job = outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now()).get(0);
        assertThat(outbox.fail(job, "gone", true, now())).contains(ForwardState.DEAD);
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
    void staleOwner_cannotCompleteOrFail_afterAnotherClaimedTheJob() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob stale = outbox.claim(ForwardFixture.SITE, "a", 1, LEASE, now()).get(0);
        fixture.clock.advance(LEASE);
        ForwardJob current = outbox.claim(ForwardFixture.SITE, "b", 1, LEASE, now()).get(0);

        assertThat(outbox.complete(stale, Optional.of("00"), now())).isFalse();
        assertThat(outbox.fail(stale, "late", false, now())).isEmpty();
        assertThat(outbox.complete(current, Optional.of("ab".repeat(32)), now())).isTrue();
        assertThat(outbox.find(current.id())).hasValueSatisfying(job -> {
            assertThat(job.state()).isEqualTo(ForwardState.DELIVERED);
            assertThat(job.siteDigest()).contains("ab".repeat(32));
            assertThat(job.deliveredAt()).contains(now());
            assertThat(job.leaseOwner()).isEmpty();
        });
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
    void listAndCount_filterByState() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        enqueue(fixture.upload("/inbox/b.csv", "b".getBytes()));
        outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now());

        assertThat(outbox.list(Optional.empty(), 10)).hasSize(2);
        assertThat(outbox.list(Optional.of(ForwardState.IN_FLIGHT), 10)).hasSize(1);
        assertThat(outbox.count(ForwardState.PENDING)).isEqualTo(1);
        assertThat(outbox.sitesWithDueJobs(now())).containsExactly(ForwardFixture.SITE);
    }

    @Test
    void longErrors_areCutToOneBoundedLine() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob job = outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now()).get(0);
        outbox.fail(job, "line one\nline two " + "x".repeat(1000), false, now());
        assertThat(outbox.find(job.id()).orElseThrow().lastError()).hasValueSatisfying(error -> {
            assertThat(error).hasSize(500).doesNotContain("\n").startsWith("line one line two");
        });
    }

    @Test
    void errorsWithControlCharacters_areKeptPrintable_soListingThemCannotDriveTheAdminsTerminal() {
        enqueue(fixture.upload("/inbox/a.csv", "a".getBytes()));
        ForwardJob job = outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now()).get(0);
        outbox.fail(job, "the site's digest sha-256=:\u001b]0;owned\u0007\u001b[2J: differs\u0000\u009b", false, now());
        assertThat(outbox.find(job.id()).orElseThrow().lastError()).hasValueSatisfying(error ->
                assertThat(error).isEqualTo("the site's digest sha-256=: ]0;owned [2J: differs"));
    }

    private ForwardState failOnce() {
        ForwardJob job = outbox.claim(ForwardFixture.SITE, "n", 1, LEASE, now()).get(0);
        return outbox.fail(job, "boom", false, now()).orElseThrow();
    }

    private Duration delayOf(FileRecord file) {
        return Duration.between(now(), fixture.job(file).nextAttemptAt());
    }

    private boolean enqueue(FileRecord file) {
        return fixture.database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, ForwardFixture.SITE, now()));
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

    private Instant now() {
        return fixture.clock.instant();
    }
}
