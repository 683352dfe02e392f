package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Database;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A joined node's background work, on two daemon threads so that a slow recovery never delays a beat: the
 * heartbeat (which also measures the node's clock against the catalog's, {@link CatalogClock}), and every heartbeat
 * a pass over the other nodes that takes over what dead ones left (uploads, forwarding leases) and forgets nodes
 * silent for a week that own no upload. Closing it is a clean leave: the node counts as dead at once, so any upload
 * it could not suspend is recovered by the others without waiting.
 */
public final class NodePresence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodePresence.class);
    private static final Duration FORGET_AFTER = Duration.ofDays(7);

    private final Database database;
    private final NodeRepository rows;
    private final NodeSettings settings;
    private final String incarnation;
    private final DeadNodeRecovery recovery;
    private final ClockWatch clock;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "vaultgate-node");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean displaced;

    NodePresence(Database database, NodeRepository rows, NodeSettings settings, String incarnation,
                 DeadNodeRecovery recovery, ClockWatch clock) {
        this.database = database;
        this.rows = rows;
        this.settings = settings;
        this.incarnation = incarnation;
        this.recovery = recovery;
        this.clock = clock;
    }

    NodePresence start() {
        long period = settings.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::watchOthers, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** This process's incarnation of the node. */
    public String incarnation() {
        return incarnation;
    }

    private void beat() {
        try {
            boolean mine = database.inTransaction(jdbc -> rows.beat(jdbc, settings.id(), incarnation));
            if (!mine && !displaced) {
                displaced = true;
                LOG.error("node {}: another process joined with this node id; two nodes must never share one "
                        + "(delete the node-id file of a copied data directory and restart it)", settings.id());
            }
            clock.measure(database);
        } catch (RuntimeException e) {
            LOG.warn("node {}: heartbeat failed (the catalog may be unreachable): {}", settings.id(), e.toString());
        }
    }

    private void watchOthers() {
        try {
            for (String dead : database.read(jdbc -> rows.silentFor(jdbc, settings.deadAfter(), settings.id()))) {
                int taken = recovery.recover(dead);
                if (taken > 0) {
                    LOG.info("node {}: took over {} uploads and forwarding jobs of node {}, silent for more than {} ms",
                            settings.id(), taken, dead, settings.deadAfter().toMillis());
                }
            }
            database.inTransaction(jdbc -> rows.prune(jdbc, FORGET_AFTER));
        } catch (RuntimeException e) {
            LOG.warn("node {}: recovering the uploads of dead nodes failed; retrying: {}", settings.id(),
                    e.toString());
        }
    }

    /** Stops beating and marks the node stopped. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            database.inTransaction(jdbc -> {
                rows.leave(jdbc, settings.id(), incarnation);
                return null;
            });
            LOG.info("node {} left", settings.id());
        } catch (RuntimeException e) {
            LOG.warn("node {}: could not record its stop; the others will presume it dead after {} ms", settings.id(),
                    settings.deadAfter().toMillis());
        }
    }
}
