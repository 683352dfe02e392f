package io.vaultgate.core.forward;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's claims beyond its first job: the site's next due job, claimed for this node and prepared, and a
 * prepared job given back unsent when the worker's turn stops.
 */
final class NextJobs {

    /** The forwarder's log category, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Outbox outbox;
    private final GiveBacks giveBacks;
    private final ForwardAttempt attempt;
    private final String nodeId;
    private final Duration lease;
    private final Clock clock;
    private final BooleanSupplier closed;

    /** @param closed whether the forwarder is closing: then nothing more is claimed */
    NextJobs(Outbox outbox, GiveBacks giveBacks, ForwardAttempt attempt, String nodeId, Duration lease, Clock clock,
             BooleanSupplier closed) {
        this.outbox = outbox;
        this.giveBacks = giveBacks;
        this.attempt = attempt;
        this.nodeId = nodeId;
        this.lease = lease;
        this.clock = clock;
        this.closed = closed;
    }

    /** The site's next due job, claimed for this node and prepared; null if none is due, or when closing. */
    PreparedJob claim(String siteId) {
        if (closed.getAsBoolean()) {
            return null;
        }
        try {
            List<ForwardJob> jobs = outbox.claim(siteId, nodeId, 1, lease, clock.instant(), attempt::wentDead);
            return jobs.isEmpty() ? null : attempt.prepare(jobs.get(0));
        } catch (RuntimeException e) {
            LOG.warn("forwarding: claiming the next job of site {} failed: {}", siteId, e.toString());
            return null;
        }
    }

    /**
     * Gives a prepared job back unsent: pending again, the claim not counted as an attempt; tried again at each poll
     * if the catalog fails it ({@link GiveBacks}).
     */
    void giveBack(PreparedJob prepared, String reason) {
        prepared.close();
        giveBacks.giveBack(prepared.job(), reason);
    }
}
