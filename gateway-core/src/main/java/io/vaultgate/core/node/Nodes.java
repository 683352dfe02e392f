package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway nodes sharing the catalog. A node that serves clients {@link #join joins} before it recovers
 * and opens its listeners, and beats until it stops; other nodes take over the uploads of one that stopped
 * beating. Admin commands never join: they serve no uploads.
 *
 * <p>A joined node's core runs on the catalog's time ({@link CatalogClock}): the join and every heartbeat measure the
 * node's clock against the catalog's.
 */
public final class Nodes {

    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);

    private final Database database;
    private final NodeSettings settings;
    private final DeadNodeRecovery recovery;
    private final CatalogClock clock;
    private final NodeRepository rows = new NodeRepository();

    /** @param clock the core's clock, which the join and the heartbeats keep on the catalog's time */
    public Nodes(Database database, NodeSettings settings, DeadNodeRecovery recovery, CatalogClock clock) {
        this.database = database;
        this.settings = settings;
        this.recovery = recovery;
        this.clock = clock;
    }

    /** This node's id, as written on the uploads it opens. */
    public String id() {
        return settings.id();
    }

    public NodeSettings settings() {
        return settings;
    }

    /** The core's clock: the catalog's time once this node joined. */
    public CatalogClock clock() {
        return clock;
    }

    /**
     * Registers a new incarnation of this node and starts its heartbeat and its watch over the other nodes.
     * First puts the core on the catalog's time ({@link CatalogClock#measure}), before anything it recovers or
     * serves reads or writes a lease.
     * If an earlier incarnation beat within the dead-after time (it crashed a moment ago, or another process
     * runs with this id), waits two heartbeats first and refuses to start if it beat again meanwhile.
     *
     * @throws NodeIdInUse if another live process uses this node id
     */
    public NodePresence join() {
        Optional<NodeStatus> earlier = database.read(jdbc -> rows.find(jdbc, settings.id()));
        if (earlier.isPresent() && earlier.get().alive(settings)) {
            LOG.info("node {}: its previous incarnation beat {} ago; waiting two heartbeats to tell a crash from a "
                    + "second process with this id", settings.id(), earlier.get().silence());
            sleep(settings.heartbeat().multipliedBy(2).plusMillis(200));
            Optional<NodeStatus> now = database.read(jdbc -> rows.find(jdbc, settings.id()));
            if (now.isPresent() && now.get().lastSeen().isAfter(earlier.get().lastSeen())) {
                throw new NodeIdInUse(settings.id());
            }
        }
        ClockWatch watch = ClockWatch.ofNode(settings.id(), clock);
        watch.measure(database);
        String incarnation = newIncarnation();
        database.inTransaction(jdbc -> {
            rows.join(jdbc, settings.id(), incarnation);
            return null;
        });
        LOG.info("node {} joined (incarnation {}); heartbeat every {} ms, other nodes presumed dead after {} ms "
                + "of silence", settings.id(), incarnation, settings.heartbeat().toMillis(),
                settings.deadAfter().toMillis());
        return new NodePresence(database, rows, settings, incarnation, recovery, watch).start();
    }

    /**
     * Puts the core of a process that never joins (an admin command) on the catalog's time with one measurement, logged
     * as a node's correction is: the times it writes (a retried job's due time, an expiry set, a revocation) and
     * compares (expiries, checkpoint ages) are then the nodes' time. Throws if the catalog cannot be read.
     */
    public void measureClock() {
        ClockWatch.ofCommand(clock).measure(database);
    }

    /**
     * The nodes alive as {@code judge} takes them ({@link NodeStatus#alive}: a heartbeat within its dead-after time, on
     * the catalog's clock), for an admin command that must not run beside a live node ({@code store adopt}).
     */
    public static List<NodeStatus> alive(Jdbc jdbc, NodeSettings judge) throws SQLException {
        return new NodeRepository().list(jdbc).stream().filter(node -> node.alive(judge)).toList();
    }

    /** Every node the catalog knows, with its last heartbeat. */
    public List<NodeStatus> list() {
        return database.read(rows::list);
    }

    private static void sleep(java.time.Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the cluster", e);
        }
    }

    private static String newIncarnation() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
