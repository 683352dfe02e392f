package io.vaultgate.core.forward;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileOpener;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding workers of one gateway node: a poller claims due jobs from the {@link Outbox} and hands
 * them to a bounded pool ({@link Dispatcher}), never more than {@code settings.workers()} at once and never more
 * than a site's {@code maxConcurrency} for one site. Any node can finish any job: state lives only in the outbox.
 *
 * <p>A worker keeps its slot while its site has due jobs ({@link SiteTurns}): while it sends a file and the site
 * stores it, a helper thread records the previous file's delivery, claims the site's next due job and prepares it
 * (looks it up, opens the file, starts decrypting it), and once the answer is in the worker sends the prepared file
 * at once on the same kept-alive connection, after checking that its job, tenant and file still allow it
 * (a lockdown, shred or delete meanwhile stops it unsent). Every job, the first of a turn too, is checked against
 * its tenant's status when it is looked up, after its claim ({@link TenantGate}). After a failure it records it, gives
 * the prepared job back unsent (not counted as an attempt) and stops, so a site in trouble waits for the next poll.
 * This class wires them ({@link ForwardThreads}, {@link ForwardAttempt}, {@link LeaseRenewal}, {@link NextJobs})
 * and starts and stops them.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Outbox outbox;
    private final ForwardAttempt attempt;
    private final ForwarderSettings settings;
    private final String nodeId;
    private final Clock clock;
    private final ForwardThreads threads;
    private final SiteClients clients;
    private final GiveBacks giveBacks;
    private final NextJobs next;
    private final SiteTurns turns;
    private final Dispatcher dispatcher;
    private volatile boolean closed;

    /**
     * @param opener decrypting reads of committed files (the core's {@code DecryptingFileOpener})
     * @param nodeId names this node in job leases, e.g. host name plus a random suffix
     */
    public Forwarder(Database database, Outbox outbox, FileOpener opener, ForwarderSettings settings, String nodeId,
                     MeterRegistry meters, SecureRandom random, Clock clock) {
        this(database, outbox, opener, settings, nodeId, meters, ForwardEvents.NONE, random, clock);
    }

    /**
     * @param events told of every delivery and every job that goes dead (for the audit log)
     */
    public Forwarder(Database database, Outbox outbox, FileOpener opener, ForwarderSettings settings, String nodeId,
                     MeterRegistry meters, ForwardEvents events, SecureRandom random, Clock clock) {
        this(database, outbox, opener, Optional.empty(), settings, nodeId, meters, events, random, clock);
    }

    /**
     * @param envelopes stored envelopes for sites that take sealed forwards; without it such sites fail
     *     with a configuration error
     */
    public Forwarder(Database database, Outbox outbox, FileOpener opener, Optional<StoredEnvelopes> envelopes,
                     ForwarderSettings settings, String nodeId, MeterRegistry meters, ForwardEvents events,
                     SecureRandom random, Clock clock) {
        this(database, outbox, opener, envelopes, settings, nodeId, meters, events, random, clock, job -> { });
    }

    /**
     * @param beforeLookup runs on each claimed job right before its lookup (see {@link ForwardAttempt}); for tests,
     *     which change the catalog between a claim and the lookup
     */
    Forwarder(Database database, Outbox outbox, FileOpener opener, Optional<StoredEnvelopes> envelopes,
              ForwarderSettings settings, String nodeId, MeterRegistry meters, ForwardEvents events,
              SecureRandom random, Clock clock, Consumer<ForwardJob> beforeLookup) {
        this.outbox = outbox;
        this.settings = settings;
        this.nodeId = nodeId;
        this.clock = clock;
        ForwardingSites sites = new ForwardingSites();
        ForwardMetrics metrics = new ForwardMetrics(meters);
        metrics.backlog(outbox);
        this.threads = new ForwardThreads(settings.workers());
        this.giveBacks = new GiveBacks(outbox, clock);
        this.clients = new SiteClients(random, settings.connectTimeout(), threads.deadlines, clock);
        this.attempt = new ForwardAttempt(database, opener, envelopes, sites, clients,
                new SiteDelivery(settings.requestTimeout(), settings.minBytesPerSecond(), threads.deadlines,
                        threads.readers, new ChunkPool(Http1Put.CHUNK, settings.workers() * 2 * (ReadAhead.DEPTH + 1))),
                outbox, metrics, events, clock, giveBacks, beforeLookup);
        outbox.reportDeadLettersTo(attempt::wentDead); // also for jobs the cluster's reaper sets DEAD
        this.next = new NextJobs(outbox, giveBacks, attempt, nodeId, settings.lease(), clock, () -> closed);
        this.turns = new SiteTurns(attempt, new Beside(threads.helpers),
                new LeaseRenewal(outbox, settings.lease(), threads.poller, clock), next, () -> closed);
        this.dispatcher = new Dispatcher(database, outbox, sites, attempt, giveBacks, settings, nodeId, clock, threads,
                this::drain);
    }

    /**
     * Starts polling the outbox every {@code settings.pollInterval()}, after releasing the jobs an earlier
     * process of this node left leased (so with a node id that is stable across restarts, a crash delays
     * its forwards only by the restart, not by the lease).
     */
    public void start() {
        int released = outbox.releaseLeasesOf(nodeId, clock.instant(), attempt::wentDead);
        if (released > 0) {
            LOG.warn("forwarding: {} job(s) were in flight when node {} stopped; they are due again now "
                    + "(the site deduplicates a repeated file)", released, nodeId);
        }
        dispatcher.start(settings.pollInterval());
    }

    /** Claims what is due and free slots allow, and starts those forwards on the pool; returns how many. */
    public int dispatch() {
        return dispatcher.dispatch();
    }

    /**
     * One worker's run on a site, holding one slot: forwards {@code first}, and after each delivery the site's
     * next due job, which was claimed and prepared while the previous file was sent. Returns whether the
     * last forward was delivered.
     */
    private boolean drain(String siteId, ForwardJob first) {
        return turns.run(attempt.prepare(first), () -> next.claim(siteId), true).lastDelivered();
    }

    /**
     * Claims and runs every due job in the calling thread, one after the other, each prepared (and the previous
     * delivery recorded) while the previous one's answer is awaited; for tests and tools.
     */
    public int runDue() {
        giveBacks.retry();
        int ran = 0;
        for (String siteId : outbox.sitesWithDueJobs(clock.instant())) {
            Iterator<ForwardJob> jobs = outbox.claim(siteId, nodeId, Integer.MAX_VALUE, settings.lease(),
                    clock.instant(), attempt::wentDead).iterator();
            if (jobs.hasNext()) {
                ran += turns.run(attempt.prepare(jobs.next()), () -> jobs.hasNext() ? attempt.prepare(jobs.next())
                        : null, false).attempted();
            }
        }
        return ran;
    }

    /**
     * Runs one job this node already holds, e.g. one claimed by hand; returns its outcome ({@link
     * DeliveryOutcome.Paused}, nothing sent and the job given back, if its tenant was locked down since the claim).
     */
    public DeliveryOutcome run(ForwardJob claimed) {
        return attempt.run(claimed);
    }

    public Optional<ForwardJob> job(String id) {
        return outbox.find(id);
    }

    /**
     * Stops polling and waits up to 30 s for forwards in flight; an unfinished job is retaken after its lease.
     * Give-backs that failed are tried once more ({@link GiveBacks}); one that fails again is left to the lease (or
     * this node's restart), its claim then counted as an attempt.
     */
    @Override
    public void close() {
        dispatcher.stop();
        closed = true;
        try {
            threads.close(clients::close);
        } finally {
            int owed = giveBacks.retry();
            if (owed > 0) {
                LOG.warn("forwarding: {} job(s) not sent could not be given back before closing; they are due again "
                        + "after their lease or at this node's restart, their claim counted as an attempt", owed);
            }
        }
    }
}
