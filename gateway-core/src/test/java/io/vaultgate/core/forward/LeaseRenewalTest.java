package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/**
 * review27 L4: a worker that starts a job while the forwarder closes (its renewal timer already stopped) is not ended
 * by the timer's refusal, which left the job IN_FLIGHT until its lease: nothing is renewed, and the send goes on.
 * Deterministic: the timer is shut down before the job starts; no outbox is touched (none is needed: nothing is
 * renewed). A guard of 7a0b529d's change: before it, whileRunning threw the timer's RejectedExecutionException.
 */
class LeaseRenewalTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void timerStoppedByTheClose_jobStartingThenIsNotRenewed_andItsWorkerGoesOn() {
        ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1);
        timer.shutdown();
        LeaseRenewal renewal = new LeaseRenewal(null, Duration.ofHours(1), timer, Clock.fixed(NOW, ZoneOffset.UTC));

        Future<?> renewing = renewal.whileRunning(job());

        assertThat(renewing).as("nothing scheduled").isDone();
        renewing.cancel(false); // as the worker does once its send ends
    }

    @Test
    void timerRunning_leaseIsRenewedUntilCancelled() {
        ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1);
        try {
            LeaseRenewal renewal = new LeaseRenewal(null, Duration.ofHours(1), timer,
                    Clock.fixed(NOW, ZoneOffset.UTC));

            Future<?> renewing = renewal.whileRunning(job());

            assertThat(renewing).as("scheduled every third of the lease").isNotDone();
            renewing.cancel(false);
            assertThat(renewing).isCancelled();
        } finally {
            timer.shutdownNow();
        }
    }

    private static ForwardJob job() {
        return new ForwardJob("job-1", "file-1", TenantId.of("acme"), "site-1", ForwardState.IN_FLIGHT, 1, 1, NOW,
                Optional.of("node-a"), Optional.of(NOW.plus(Duration.ofHours(1))), Optional.empty(), Optional.empty(),
                Optional.empty(), NOW, NOW);
    }
}
