package io.vaultgate.core.forward;

import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's turn on a site: forwards one job and then each next one, one after the other on the worker's thread
 * and on the site's kept-alive connection. While a file is sent and the site stores it, a helper thread
 * ({@link Beside}) records the previous file's delivery and prepares the next job, so neither waits in line with
 * the transfers (for a file larger than {@link #RECORD_BEFORE_SENDING}, only between the end of its request and
 * the answer, so that the next job is not claimed long before it is sent).
 */
final class SiteTurns {

    /** The forwarder's log category, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /**
     * A delivery is recorded before a file larger than this is sent, and the next job prepared only once its
     * request is written, not beside the whole transfer.
     */
    static final long RECORD_BEFORE_SENDING = 8L << 20;

    private final ForwardAttempt attempt;
    private final Beside beside;
    private final LeaseRenewal renewal;
    private final NextJobs next;
    private final BooleanSupplier closed;

    /** @param closed whether the forwarder is closing: a pool's turn then stops after its current file */
    SiteTurns(ForwardAttempt attempt, Beside beside, LeaseRenewal renewal, NextJobs next, BooleanSupplier closed) {
        this.attempt = attempt;
        this.beside = beside;
        this.renewal = renewal;
        this.next = next;
        this.closed = closed;
    }

    /**
     * How a turn ended: how many jobs were attempted (not those given back unsent, nor those settled unsent because
     * their file is gone or their tenant was shredded), and whether the last one attempted was delivered.
     */
    record Turn(int attempted, boolean lastDelivered) {
    }

    /**
     * Forwards {@code first} and then each job {@code nextJob} supplies (null: none). A delivery is recorded up to
     * one file after its answer, but always before the turn ends and before a file larger than
     * {@link #RECORD_BEFORE_SENDING} is sent; a failure is recorded at once. Every job's lookup reads its tenant's
     * status, so {@code first} too is sent only if its tenant is still {@code ACTIVE} after its claim: a job paused
     * by a lockdown is given back unsent, one whose tenant was shredded (or whose file is gone) is settled ABANDONED
     * unsent; neither is counted as attempted, and the turn goes on with the next job, wherever it was found.
     * Right before a job prepared meanwhile is sent, it is checked again ({@link ForwardAttempt#stillToSend}): a
     * lockdown, shred, delete or takeover since its preparation stops it unsent. With {@code pool}, the turn stops
     * after a failure or when the forwarder closes, and gives a prepared job back unsent.
     */
    Turn run(PreparedJob first, Supplier<PreparedJob> nextJob, boolean pool) {
        PreparedJob current = first;
        Delivery pending = null;
        int attempted = 0;
        boolean delivered = false;
        try {
            while (current != null) {
                if (current != first && !attempt.stillToSend(current)) {
                    current = nextJob.get(); // nothing was attempted: the turn goes on with the site's next job
                    continue;
                }
                if (pending != null && current.size() > RECORD_BEFORE_SENDING) {
                    recordQuietly(new Delivery[] {pending});
                    pending = null;
                }
                Delivery[] earlier = {pending};
                PreparedJob[] following = new PreparedJob[1];
                pending = null;
                Runnable meanwhile = () -> {
                    recordQuietly(earlier);
                    following[0] = nextJob.get();
                };
                // A small file's request is written in about the time the site then takes to answer: the
                // previous record and the next file's preparation run beside the whole exchange. A large
                // file's run only while its answer is awaited, so the next job is not claimed (and its
                // lease not spent) long before it is sent.
                Future<?> besideIt = current.size() <= RECORD_BEFORE_SENDING ? beside.start(meanwhile) : null;
                Future<?> renewing = renewal.whileRunning(current.job());
                DeliveryOutcome outcome;
                try {
                    outcome = attempt.send(current, besideIt == null ? meanwhile : () -> { });
                } finally {
                    renewing.cancel(false);
                    if (besideIt != null) {
                        Beside.await(besideIt);
                    }
                    recordQuietly(earlier); // the site answered before the request was written to its end
                }
                // a paused job, or one whose file is gone or whose tenant was shredded, was not attempted: nothing
                // was sent (as when stillToSend stops a job prepared ahead), and the turn goes on
                if (!(outcome instanceof DeliveryOutcome.Paused || outcome instanceof DeliveryOutcome.Gone)) {
                    attempted++;
                    delivered = outcome instanceof DeliveryOutcome.Delivered;
                }
                if (outcome instanceof DeliveryOutcome.Delivered) {
                    pending = new Delivery(current.job(), outcome);
                } else {
                    recordOrGiveBack(current.job(), outcome, following[0]);
                }
                // not for a job paused or gone
                boolean failed = outcome instanceof DeliveryOutcome.Failed;
                boolean stop = pool && (failed || closed.getAsBoolean());
                if (following[0] == null && !stop) {
                    following[0] = nextJob.get();
                }
                if (following[0] != null && stop) {
                    next.giveBack(following[0], failed ? "its worker's turn stopped after the failed attempt of job "
                            + current.job().id() : "the forwarder is closing");
                    following[0] = null;
                }
                current = following[0];
            }
        } finally {
            recordQuietly(new Delivery[] {pending});
        }
        return new Turn(attempted, delivered);
    }

    /**
     * Records {@code outcome}; if that fails (the catalog), the job prepared to follow, if any, is given back unsent
     * before the failure ends the turn: it would otherwise stay leased, unsent, until its lease expired, and its claim
     * count as an attempt (and its file and data key stay open).
     */
    private void recordOrGiveBack(ForwardJob job, DeliveryOutcome outcome, PreparedJob following) {
        try {
            attempt.record(job, outcome);
        } catch (RuntimeException e) {
            if (following != null) {
                next.giveBack(following, "recording the outcome of job " + job.id() + " failed (" + e + ")");
            }
            throw e;
        }
    }

    /** A delivery whose outcome is not recorded yet. */
    private record Delivery(ForwardJob job, DeliveryOutcome outcome) {
    }

    /** Records {@code pending[0]} once, if any; a failure is logged (the job is retried after its lease). */
    private void recordQuietly(Delivery[] pending) {
        if (pending[0] != null) {
            Delivery delivery = pending[0];
            pending[0] = null;
            try {
                attempt.record(delivery.job(), delivery.outcome());
            } catch (RuntimeException e) {
                LOG.error("forward job {} was delivered but recording it failed; it is sent again after its lease "
                        + "(the site deduplicates)", delivery.job().id(), e);
            }
        }
    }
}
