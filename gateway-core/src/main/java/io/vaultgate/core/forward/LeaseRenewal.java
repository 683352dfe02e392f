package io.vaultgate.core.forward;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the lease of a running job alive: every third of the lease it is extended by a full lease, so a long
 * transfer is not taken over by another node while this one still sends.
 */
final class LeaseRenewal {

    /** The forwarder's log category, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Outbox outbox;
    private final Duration lease;
    private final ScheduledExecutorService timer;
    private final Clock clock;

    LeaseRenewal(Outbox outbox, Duration lease, ScheduledExecutorService timer, Clock clock) {
        this.outbox = outbox;
        this.lease = lease;
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * Renews {@code job}'s lease until the returned future is cancelled. Once the forwarder is closing (its timer
     * stopped) nothing is renewed: the worker's send goes on within the close's wait (30 s), shorter than the default
     * 1 h lease ({@code forwarding.lease}, which is only checked to be positive: a lease set shorter than that wait may
     * expire before the send ends, and the job is then retaken; the site deduplicates).
     * Before, the timer's refusal ended the worker's turn with the job still leased, to be retaken after its lease.
     */
    Future<?> whileRunning(ForwardJob job) {
        long every = Math.max(1, lease.toMillis() / 3);
        try {
            return timer.scheduleWithFixedDelay(() -> {
                try {
                    if (!outbox.renew(job, lease, clock.instant())) {
                        LOG.warn("forward job {}: lease lost while sending; the site deduplicates", job.id());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("forward job {}: renewing the lease failed: {}", job.id(), e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
