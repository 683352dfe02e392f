package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A tenant that is not ACTIVE (locked down) has its forwarding paused: queued, not sent, resumed on unlock. */
class ForwardPauseTest extends StubSiteTest {

    private static final TenantId ACME = TenantId.of("acme");

    @Test
    void lockedTenant_isNotForwarded_andResumesInOrderWhenUnlocked() {
        FileRecord first = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        fixture.clock.advance(Duration.ofMillis(5));
        FileRecord second = fixture.uploadAndQueue("/inbox/b.csv", "b".getBytes(StandardCharsets.UTF_8));
        fixture.test.core().administration().lock(ACME);

        assertThat(fixture.outbox.sitesWithDueJobs(fixture.clock.instant())).isEmpty();
        assertThat(forwarder.runDue()).isZero();
        fixture.clock.advance(Duration.ofHours(1));
        assertThat(forwarder.runDue()).as("still paused later").isZero();
        assertThat(site.received()).isEmpty();
        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(first).attempts()).as("a paused job spends no attempt").isZero();

        fixture.test.core().administration().unlock(ACME);

        assertThat(forwarder.runDue()).isEqualTo(2);
        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key"))
                .containsExactly(first.id(), second.id());
        assertThat(fixture.job(second).state()).isEqualTo(ForwardState.DELIVERED);
    }

    @Test
    void lockingOneTenant_leavesOtherTenantsForwarding() {
        ClientPrincipal globex = fixture.test.client("globex", "globex-upload", Protocol.HTTPS);
        FileRecord acme = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        FileRecord other = fixture.queue(fixture.upload(globex, "/inbox/g.csv", "g".getBytes(StandardCharsets.UTF_8)));
        fixture.test.core().administration().lock(ACME);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(site.received()).extracting(r -> r.header("Idempotency-Key")).containsExactly(other.id());
        assertThat(fixture.job(acme).state()).isEqualTo(ForwardState.PENDING);
    }

    @Test
    void expiredLeaseOfALockedTenant_isNotRetakenUntilUnlocked() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        fixture.outbox.claim(ForwardFixture.SITE, "node-dead", 1, Duration.ofMinutes(1), fixture.clock.instant());
        fixture.test.core().administration().lock(ACME);
        fixture.clock.advance(Duration.ofMinutes(2));

        assertThat(forwarder.runDue()).isZero();
        assertThat(fixture.job(file).leaseOwner()).contains("node-dead");

        fixture.test.core().administration().unlock(ACME);
        assertThat(forwarder.runDue()).isEqualTo(1);
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
    }
}
