package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands due jobs to the worker pool: claims what is due and free slots allow, never more than {@code workers}
 * forwards at once and never more than a site's {@code maxConcurrency} for one site, and polls again every poll
 * interval, or at once after a delivery.
 */
final class Dispatcher {

    /** The forwarder's log category, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Database database;
    private final Outbox outbox;
    private final ForwardingSites sites;
    private final ForwardAttempt attempt;
    private final GiveBacks giveBacks;
    private final ForwarderSettings settings;
    private final String nodeId;
    private final Clock clock;
    private final ForwardThreads threads;
    private final BiFunction<String, ForwardJob, Boolean> drain;
    private final Semaphore slots;
    private final Map<String, AtomicInteger> perSite = new ConcurrentHashMap<>();
    private volatile boolean polling;
    /** Set by {@link #stop}: no dispatch claims anything from then on (a dispatch between two sites ends). */
    private volatile boolean stopping;

    /**
     * @param drain one worker's turn on a site from a claimed job; answers whether its last forward was
     *     delivered
     */
    Dispatcher(Database database, Outbox outbox, ForwardingSites sites, ForwardAttempt attempt, GiveBacks giveBacks,
               ForwarderSettings settings, String nodeId, Clock clock, ForwardThreads threads,
               BiFunction<String, ForwardJob, Boolean> drain) {
        this.database = database;
        this.outbox = outbox;
        this.sites = sites;
        this.attempt = attempt;
        this.giveBacks = giveBacks;
        this.settings = settings;
        this.nodeId = nodeId;
        this.clock = clock;
        this.threads = threads;
        this.drain = drain;
        this.slots = new Semaphore(settings.workers());
    }

    /** Polls every {@code every} from now on. */
    void start(Duration every) {
        polling = true;
        threads.poller.scheduleWithFixedDelay(this::dispatchQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Dispatches nothing more after a delivery, and a dispatch still running claims no further site's jobs (the poller
     * is stopped, and awaited, by its owner before the pool: {@link ForwardThreads#close}).
     */
    void stop() {
        stopping = true;
        polling = false;
    }

    /**
     * Claims what is due and free slots allow, and starts those forwards on the pool; returns how many. First tries
     * again the give-backs of jobs not sent that failed ({@link GiveBacks}), so that such a job is due again (its
     * claim not counted) as soon as the catalog takes the give-back. Once {@link #stop stopped} it claims nothing;
     * jobs a claim took as the forwarder closed, which the shut pool refuses, are given back the same way (pending,
     * the claim not counted), not left leased to this node.
     */
    int dispatch() {
        giveBacks.retry();
        int started = 0;
        for (String siteId : outbox.sitesWithDueJobs(clock.instant())) {
            if (stopping) {
                break;
            }
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
            for (int i = 0; i < jobs.size(); i++) {
                ForwardJob job = jobs.get(i);
                active.incrementAndGet();
                try {
                    threads.pool.execute(() -> {
                        boolean delivered = false;
                        try {
                            delivered = drain.apply(siteId, job);
                        } finally {
                            active.decrementAndGet();
                            slots.release();
                            if (delivered) {
                                dispatchSoon();
                            }
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    // the pool is shut down: this claim committed as the forwarder closed; nothing of it was sent
                    active.decrementAndGet();
                    slots.release(jobs.size() - i);
                    for (ForwardJob refused : jobs.subList(i, jobs.size())) {
                        giveBacks.giveBack(refused, "the forwarder is closing");
                    }
                    return started;
                }
                started++;
            }
        }
        return started;
    }

    /**
     * After a delivery the freed slot is filled at once rather than at the next poll, so a healthy site's
     * backlog drains at the speed of the transfers (one file per poll interval with a concurrency of 1
     * otherwise). After a failure the next poll is awaited, so a site that is down is not hammered.
     */
    private void dispatchSoon() {
        if (polling) {
            try {
                threads.poller.execute(this::dispatchQuietly);
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
}
