package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.files.FileRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    private Instant now() {
        return fixture.clock.instant();
    }
}
