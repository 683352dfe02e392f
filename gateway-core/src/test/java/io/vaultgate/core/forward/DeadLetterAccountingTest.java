package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every way a job reaches the dead-letter state is accounted for alike: the {@code vaultgate.forward.dead}
 * counter, the event sink (the audit log) and the ERROR line naming the retry command. Besides a last attempt
 * that fails, a job dies when its last attempt was interrupted: the lease expired (another node takes it
 * over), its own node restarted, or the cluster's reaper released the leases of its dead node.
 */
class DeadLetterAccountingTest extends StubSiteTest {

    private static final Duration LEASE = Duration.ofMinutes(10);
    private final List<String> dead = new CopyOnWriteArrayList<>();

    @Test
    void lastAttemptInterruptedByARestart_goesDead_andIsCountedAndReported() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        leaseLastAttempt("node-a");

        try (Forwarder restarted = forwarder("node-a")) {
            restarted.start();
            restarted.close();
        }

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DEAD);
        assertThat(deadCount()).isEqualTo(1);
        assertThat(dead).containsExactly(file.id());
    }

    @Test
    void lastAttemptWhoseLeaseExpired_goesDead_andIsCountedAndReported() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        leaseLastAttempt("node-gone");
        fixture.clock.advance(LEASE);

        try (Forwarder other = forwarder("node-b")) {
            other.runDue();
        }

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DEAD);
        assertThat(deadCount()).isEqualTo(1);
        assertThat(dead).containsExactly(file.id());
        assertThat(site.received()).isEmpty();
    }

    @Test
    void lastAttemptOfADeadPeerNode_releasedByTheClustersReaper_isCountedAndReported() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
        leaseLastAttempt("node-gone");

        try (Forwarder survivor = forwarder("node-b")) {
            fixture.outbox.releaseLeasesOf("node-gone", fixture.clock.instant()); // as GatewayCore's Nodes reaper does
        }

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DEAD);
        assertThat(deadCount()).isEqualTo(1);
        assertThat(dead).containsExactly(file.id());
    }

    /** Spends all but the last attempt on failures, then leases the last one to {@code owner}. */
    private void leaseLastAttempt(String owner) {
        int max = fixture.outbox.retryPolicy().maxAttempts();
        for (int attempt = 1; attempt < max; attempt++) {
            ForwardJob job = fixture.outbox.claim(ForwardFixture.SITE, owner, 1, LEASE, fixture.clock.instant()).get(0);
            fixture.outbox.fail(job, "site down", false, fixture.clock.instant());
            fixture.clock.advance(Duration.ofHours(1));
        }
        assertThat(fixture.outbox.claim(ForwardFixture.SITE, owner, 1, LEASE, fixture.clock.instant()))
                .singleElement().satisfies(job -> assertThat(job.attempts()).isEqualTo(max));
    }

    private Forwarder forwarder(String node) {
        ForwardEvents events = new ForwardEvents() {
            @Override
            public void dead(ForwardJob job, String error) {
                dead.add(job.fileId());
            }
        };
        return new Forwarder(fixture.database, fixture.outbox, new DecryptingFileOpener(fixture.database,
                new FileRepository(), fixture.test.store(), fixture.test.keys()), ForwarderSettings.defaults(), node,
                fixture.meters, events, fixture.random, fixture.clock);
    }

    private double deadCount() {
        var counter = fixture.meters.find("vaultgate.forward.dead").tag("site", ForwardFixture.SITE).counter();
        return counter == null ? 0 : counter.count();
    }
}
