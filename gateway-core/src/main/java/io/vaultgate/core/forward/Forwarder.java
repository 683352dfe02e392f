package io.vaultgate.core.forward;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileOpener;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding workers of one gateway node: a poller claims due jobs from the {@link Outbox} and hands
 * them to a bounded pool, never more than {@code settings.workers()} at once and never more than a site's
 * {@code maxConcurrency} for one site. Any node can finish any job: state lives only in the outbox.
 *
 * <p>A worker keeps its slot while its site has due jobs: while it sends a file and the site stores it, a
 * helper thread records the previous file's delivery, claims the site's next due job and prepares it (looks
 * it up, opens the file, starts decrypting it), and once the answer is in the worker sends the prepared file
 * at once on the same kept-alive connection, after checking that its job, tenant and file still allow it
 * (a lockdown, shred or delete meanwhile stops it unsent). After a failure it records it, gives the prepared
 * job back unsent (not counted as an attempt) and stops, so a site in trouble waits for the next poll.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /**
     * A delivery is recorded before a file larger than this is sent, and the next job prepared only once its
     * request is written, not beside the whole transfer.
     */
    static final long RECORD_BEFORE_SENDING = 8L << 20;

    private final Database database;
    private final Outbox outbox;
    private final ForwardingSites sites;
    private final ForwardAttempt attempt;
    private final ForwarderSettings settings;
    private final String nodeId;
    private final Clock clock;
    private final Semaphore slots;
    private final Map<String, AtomicInteger> perSite = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService poller;
    private final ScheduledExecutorService deadlines;
    private final ExecutorService readers;
    private final ExecutorService helpers;
    private final SiteClients clients;
    private volatile boolean polling;
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
        this.database = database;
        this.outbox = outbox;
        this.sites = new ForwardingSites();
        this.settings = settings;
        this.nodeId = nodeId;
        this.clock = clock;
        ForwardMetrics metrics = new ForwardMetrics(meters);
        metrics.backlog(outbox);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> daemon(task,
                "vaultgate-forward-deadlines"));
        AtomicInteger readerThreads = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool(task -> daemon(task,
                "vaultgate-forward-read-" + readerThreads.incrementAndGet()));
        AtomicInteger helperThreads = new AtomicInteger();
        this.helpers = Executors.newCachedThreadPool(task -> daemon(task,
                "vaultgate-forward-next-" + helperThreads.incrementAndGet()));
        this.clients = new SiteClients(random, settings.connectTimeout(), deadlines, clock);
        this.attempt = new ForwardAttempt(database, new FileRepository(), opener, envelopes, sites, clients,
                new SiteDelivery(settings.requestTimeout(), settings.minBytesPerSecond(), deadlines, readers,
                        new ChunkPool(Http1Put.CHUNK, settings.workers() * 2 * (ReadAhead.DEPTH + 1))),
                outbox, metrics, events, clock);
        outbox.reportDeadLettersTo(attempt::wentDead); // also for jobs the cluster's reaper sets DEAD
        this.slots = new Semaphore(settings.workers());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.workers(), task -> daemon(task,
                "vaultgate-forward-" + threads.incrementAndGet()));
        this.poller = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "vaultgate-forward-poller"));
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
        long every = settings.pollInterval().toMillis();
        polling = true;
        poller.scheduleWithFixedDelay(this::dispatchQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Claims what is due and free slots allow, and starts those forwards on the pool; returns how many. */
    public int dispatch() {
        int started = 0;
        for (String siteId : outbox.sitesWithDueJobs(clock.instant())) {
            int limit = database.read(jdbc -> sites.find(jdbc, siteId)).map(SiteForwarding::maxConcurrency).orElse(1);
            AtomicInteger active = perSite.computeIfAbsent(siteId, id -> new AtomicInteger());
            int free = Math.min(limit - active.get(), slots.availablePermits());
            if (free <= 0 || !slots.tryAcquire(free)) {
                continue;
            }
            List<ForwardJob> jobs;
            try {
                jobs = outbox.claim(siteId, nodeId, free, settings.lease(), clock.instant(), attempt::wentDead);
            } catch (RuntimeException e) {
                slots.release(free);
                throw e;
            }
            slots.release(free - jobs.size());
            for (ForwardJob job : jobs) {
                active.incrementAndGet();
                pool.execute(() -> {
                    boolean delivered = false;
                    try {
                        delivered = drain(siteId, job);
                    } finally {
                        active.decrementAndGet();
                        slots.release();
                        if (delivered) {
                            dispatchSoon();
                        }
                    }
                });
                started++;
            }
        }
        return started;
    }

    /**
     * One worker's run on a site, holding one slot: forwards {@code first}, and after each delivery the site's
     * next due job, which was claimed and prepared while the previous file was sent. Returns whether the
     * last forward was delivered.
     */
    private boolean drain(String siteId, ForwardJob first) {
        return inTurn(attempt.prepare(first), () -> claimNext(siteId), true).lastDelivered();
    }

    /** How a turn ended: how many jobs were attempted, and whether the last one was delivered. */
    private record Turn(int attempted, boolean lastDelivered) {
    }

    /**
     * Forwards {@code first} and then each job {@code nextJob} supplies (null: none), one after the other on
     * this thread and on the site's kept-alive connection. While a file is sent and the site stores it, a
     * helper thread records the previous file's delivery and prepares the next job, so neither waits in line
     * with the transfers (for a file larger than {@link #RECORD_BEFORE_SENDING}, only between the end of its
     * request and the answer, so that the next job is not claimed long before it is sent). A delivery is
     * therefore recorded up to one file after its answer, but always before the turn ends and before a file
     * larger than {@link #RECORD_BEFORE_SENDING} is sent; a failure is recorded at once. Right before a job
     * prepared meanwhile is sent, it is checked again ({@link ForwardAttempt#stillToSend}): a lockdown, shred,
     * delete or takeover since its claim stops it unsent. With {@code pool}, the turn stops after a failure or
     * when the forwarder closes, and gives a prepared job back unsent.
     */
    private Turn inTurn(PreparedJob first, Supplier<PreparedJob> nextJob, boolean pool) {
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
                PreparedJob[] next = new PreparedJob[1];
                pending = null;
                Runnable meanwhile = () -> {
                    recordQuietly(earlier);
                    next[0] = nextJob.get();
                };
                // A small file's request is written in about the time the site then takes to answer: the
                // previous record and the next file's preparation run beside the whole exchange. A large
                // file's run only while its answer is awaited, so the next job is not claimed (and its
                // lease not spent) long before it is sent.
                Future<?> beside = current.size() <= RECORD_BEFORE_SENDING ? beside(meanwhile) : null;
                ScheduledFuture<?> renewal = renewWhileRunning(current.job());
                DeliveryOutcome outcome;
                try {
                    outcome = attempt.send(current, beside == null ? meanwhile : () -> { });
                } finally {
                    renewal.cancel(false);
                    if (beside != null) {
                        await(beside);
                    }
                    recordQuietly(earlier); // the site answered before the request was written to its end
                }
                attempted++;
                delivered = outcome instanceof DeliveryOutcome.Delivered;
                if (delivered) {
                    pending = new Delivery(current.job(), outcome);
                } else {
                    attempt.record(current.job(), outcome);
                }
                boolean stop = pool && (outcome instanceof DeliveryOutcome.Failed || closed); // not for a file gone
                if (next[0] == null && !stop) {
                    next[0] = nextJob.get();
                }
                if (next[0] != null && stop) {
                    giveBack(next[0]);
                    next[0] = null;
                }
                current = next[0];
            }
        } finally {
            recordQuietly(new Delivery[] {pending});
        }
        return new Turn(attempted, delivered);
    }

    /** Starts {@code work} on a helper thread; runs it here if the helpers are shut down. */
    private Future<?> beside(Runnable work) {
        try {
            return helpers.submit(work);
        } catch (RejectedExecutionException closing) {
            work.run();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Waits for {@code work} to end, uninterruptibly (its thread is not interrupted); rethrows what it threw. */
    private static void await(Future<?> work) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    work.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A delivery whose outcome is not recorded yet. */
    private final class Delivery {
        private final ForwardJob job;
        private final DeliveryOutcome outcome;

        Delivery(ForwardJob job, DeliveryOutcome outcome) {
            this.job = job;
            this.outcome = outcome;
        }

        void record() {
            attempt.record(job, outcome);
        }
    }

    /** Records {@code pending[0]} once, if any; a failure is logged (the job is retried after its lease). */
    private static void recordQuietly(Delivery[] pending) {
        if (pending[0] != null) {
            Delivery delivery = pending[0];
            pending[0] = null;
            try {
                delivery.record();
            } catch (RuntimeException e) {
                LOG.error("forward job {} was delivered but recording it failed; it is sent again after its lease "
                        + "(the site deduplicates)", delivery.job.id(), e);
            }
        }
    }

    /** The site's next due job, claimed for this node and prepared; null if none is due, or when closing. */
    private PreparedJob claimNext(String siteId) {
        if (closed) {
            return null;
        }
        try {
            List<ForwardJob> jobs = outbox.claim(siteId, nodeId, 1, settings.lease(), clock.instant(),
                    attempt::wentDead);
            return jobs.isEmpty() ? null : attempt.prepare(jobs.get(0));
        } catch (RuntimeException e) {
            LOG.warn("forwarding: claiming the next job of site {} failed: {}", siteId, e.toString());
            return null;
        }
    }

    /** Gives a prepared job back unsent: pending again, the claim not counted as an attempt. */
    private void giveBack(PreparedJob prepared) {
        prepared.close();
        try {
            outbox.release(prepared.job(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("forward job {}: giving it back failed ({}); it is due again when its lease expires",
                    prepared.job().id(), e.toString());
        }
    }

    /**
     * Keeps the lease of a running job alive: every third of the lease it is extended by a full lease, so
     * a long transfer is not taken over by another node while this one still sends.
     */
    private ScheduledFuture<?> renewWhileRunning(ForwardJob job) {
        long every = Math.max(1, settings.lease().toMillis() / 3);
        return poller.scheduleWithFixedDelay(() -> {
            try {
                if (!outbox.renew(job, settings.lease(), clock.instant())) {
                    LOG.warn("forward job {}: lease lost while sending; the site deduplicates", job.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("forward job {}: renewing the lease failed: {}", job.id(), e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims and runs every due job in the calling thread, one after the other, each prepared (and the previous
     * delivery recorded) while the previous one's answer is awaited; for tests and tools.
     */
    public int runDue() {
        int ran = 0;
        for (String siteId : outbox.sitesWithDueJobs(clock.instant())) {
            Iterator<ForwardJob> jobs = outbox.claim(siteId, nodeId, Integer.MAX_VALUE, settings.lease(),
                    clock.instant(), attempt::wentDead).iterator();
            if (jobs.hasNext()) {
                ran += inTurn(attempt.prepare(jobs.next()), () -> jobs.hasNext() ? attempt.prepare(jobs.next()) : null,
                        false).attempted();
            }
        }
        return ran;
    }

    /** Runs one job this node already holds, e.g. one claimed by hand; returns its outcome. */
    public DeliveryOutcome run(ForwardJob claimed) {
        return attempt.run(claimed);
    }

    public Optional<ForwardJob> job(String id) {
        return outbox.find(id);
    }

    /** Stops polling and waits up to 30 s for forwards in flight; an unfinished job is retaken after its lease. */
    @Override
    public void close() {
        polling = false;
        closed = true;
        poller.shutdownNow();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("forwards still in flight at shutdown; their jobs are retried after the lease");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            deadlines.shutdownNow();
            helpers.shutdown(); // its tasks are awaited by the pool's threads, which have ended
            readers.shutdownNow();
            clients.close();
        }
    }

    /**
     * After a delivery the freed slot is filled at once rather than at the next poll, so a healthy site's
     * backlog drains at the speed of the transfers (one file per poll interval with a concurrency of 1
     * otherwise). After a failure the next poll is awaited, so a site that is down is not hammered.
     */
    private void dispatchSoon() {
        if (polling) {
            try {
                poller.execute(this::dispatchQuietly);
            } catch (RejectedExecutionException closing) {
                // shutting down: nothing more is dispatched
            }
        }
    }

    private void dispatchQuietly() {
        try {
            dispatch();
        } catch (RuntimeException e) {
            LOG.error("forwarding: polling the outbox failed; trying again in {}", settings.pollInterval(), e);
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
