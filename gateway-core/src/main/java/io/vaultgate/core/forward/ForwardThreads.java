package io.vaultgate.core.forward;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's threads, all daemons, and the order in which they stop: the {@linkplain #pool workers} (one per
 * forward in flight), the {@linkplain #poller poller} (dispatch and lease renewals), the
 * {@linkplain #deadlines deadlines} (request and handshake timeouts), the {@linkplain #readers readers} (each
 * body's read-ahead) and the {@linkplain #helpers helpers} (the previous delivery's record and the next job's
 * preparation, beside a transfer).
 */
final class ForwardThreads {

    /** The forwarder's log category, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    final ExecutorService pool;
    final ScheduledExecutorService poller;
    final ScheduledExecutorService deadlines;
    final ExecutorService readers;
    final ExecutorService helpers;

    ForwardThreads(int workers) {
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> daemon(task,
                "vaultgate-forward-deadlines"));
        AtomicInteger readerThreads = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool(task -> daemon(task,
                "vaultgate-forward-read-" + readerThreads.incrementAndGet()));
        AtomicInteger helperThreads = new AtomicInteger();
        this.helpers = Executors.newCachedThreadPool(task -> daemon(task,
                "vaultgate-forward-next-" + helperThreads.incrementAndGet()));
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, task -> daemon(task,
                "vaultgate-forward-" + threads.incrementAndGet()));
        ScheduledThreadPoolExecutor polling = new ScheduledThreadPoolExecutor(1, task -> daemon(task,
                "vaultgate-forward-poller"));
        polling.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a shutdown ends the queue, not the run
        this.poller = polling;
    }

    /**
     * Stops polling and waits up to 10 s for a dispatch still running on the poller (then interrupts it), and only
     * then shuts the pool, so that a dispatch does not claim jobs the pool then refuses (one that still does gives
     * them back: {@link Dispatcher#dispatch}); waits up to 30 s for the workers' forwards in flight (then interrupts
     * them), and stops the rest; {@code last} runs at the very end, whatever happened (closing the site connections).
     */
    void close(Runnable last) {
        poller.shutdown();
        try {
            if (!poller.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("forwarding: a dispatch was still running 10 s after the close began; interrupting it");
                poller.shutdownNow();
            }
        } catch (InterruptedException e) {
            poller.shutdownNow();
            Thread.currentThread().interrupt();
        }
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
            last.run();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
