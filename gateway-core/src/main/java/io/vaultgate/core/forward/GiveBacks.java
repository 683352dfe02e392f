package io.vaultgate.core.forward;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the jobs this node claimed and did not send ({@link Outbox#release}: pending again, due as before, the
 * claim not counted as an attempt): a job paused by its tenant's lockdown, one whose check before sending could not
 * read the catalog, the prepared next job of a turn that stops. A give-back that fails (the catalog busy or its
 * connection dropped for a moment) is remembered and tried again at each poll ({@link #retry}) and once more when the
 * forwarder closes, until the catalog answers it. Before, such a job kept its lease until the lease expired (1 h by
 * default), and its claim then counted as an attempt: DEAD ("lease expired") if it was its last, though it was never
 * sent. The release is a compare-and-set on the version its claim drew, so trying it again is harmless: it gives the
 * job back only while it is still that claim's, whether or not the lease has run out meanwhile (a job nobody took over
 * was still not sent), and never touches another claim's lease: once another worker took the job over after its
 * lease, or it was settled otherwise, the release answers false and the job is forgotten here.
 *
 * <p>What this cannot cover: a node that stops (a crash, or a close while the catalog still fails) with a give-back
 * owed. Its job's claim then counts as the attempt of a job interrupted while sending would, when the node restarts
 * ({@link Outbox#releaseLeasesOf}) or its lease expires: the catalog cannot tell a claim that was never sent from one
 * whose request was on the wire.
 */
final class GiveBacks {

    /** The attempt's log category, as the outcomes' lines ({@link ForwardOutcomes}). */
    private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

    private final Outbox outbox;
    private final Clock clock;
    /** The give-backs that failed and are to be tried again, by job id. */
    private final Map<String, Owed> owed = new ConcurrentHashMap<>();

    GiveBacks(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** A job not sent and not given back yet; {@code reason} says why it was not sent. */
    private record Owed(ForwardJob job, String reason) {
    }

    /**
     * Gives {@code job} back, {@code reason} saying why it was not sent; if the catalog fails, the give-back is
     * remembered and tried again at the next poll. Never throws.
     */
    void giveBack(ForwardJob job, String reason) {
        boolean released;
        try {
            released = outbox.release(job, clock.instant());
        } catch (RuntimeException e) {
            owed.put(job.id(), new Owed(job, reason));
            LOG.warn("forward job {} was not sent ({}); giving it back failed ({}); it is tried again at each poll",
                    job.id(), reason, e.toString());
            return;
        }
        report(job, reason, released);
    }

    /**
     * Tries each failed give-back again, once; one that fails again stays owed. Returns how many are still owed.
     * Never throws.
     */
    int retry() {
        for (Owed again : List.copyOf(owed.values())) {
            if (!owed.remove(again.job().id(), again)) {
                continue; // tried by another thread meanwhile (the poller and a closing forwarder)
            }
            boolean released;
            try {
                released = outbox.release(again.job(), clock.instant());
            } catch (RuntimeException e) {
                owed.putIfAbsent(again.job().id(), again);
                LOG.debug("forward job {}: giving it back failed again ({})", again.job().id(), e.toString());
                continue;
            }
            report(again.job(), again.reason() + "; given back on a later try", released);
        }
        return owed.size();
    }

    /** How many give-backs failed and are still to be tried again. */
    int owed() {
        return owed.size();
    }

    private static void report(ForwardJob job, String reason, boolean released) {
        if (released) {
            LOG.info("forward job {} (file {} to site {}) was not sent: {}; it is pending again, its claim not "
                    + "counted as an attempt", job.id(), job.fileId(), job.siteId(), reason);
        } else {
            LOG.info("forward job {} was not sent ({}) and not given back: it changed meanwhile", job.id(), reason);
        }
    }
}
