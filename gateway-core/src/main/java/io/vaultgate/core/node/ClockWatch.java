package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Database;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a joined node's clock against the catalog's ({@link CatalogClock#measure}) and says so in the log when the
 * correction changes: a WARN line when the node's clock is found off by more than {@link CatalogClock#TOLERANCE} (or
 * off by another amount), an INFO line when it is back within it; nothing while it stays put.
 */
final class ClockWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ClockWatch.class);

    private final String node;
    private final CatalogClock clock;

    ClockWatch(String node, CatalogClock clock) {
        this.node = node;
        this.clock = clock;
    }

    /** Measures once; throws if the catalog cannot be read (the correction then stays). */
    void measure(Database database) {
        Duration before = clock.correction();
        Duration skew = clock.measure(database);
        Duration after = clock.correction();
        if (after.equals(before)) {
            return;
        }
        if (after.isZero()) {
            LOG.info("node {}: its clock is back within {} ms of the catalog's ({} ms); it runs on its own time again",
                    node, CatalogClock.TOLERANCE.toMillis(), skew.toMillis());
        } else {
            LOG.warn("node {}: its clock is {} ms {} the catalog's; leases, due times and every other time this "
                    + "node writes in the catalog or compares with it use the catalog's time instead (fix the "
                    + "node's time synchronization: its own clock still dates its logs and TLS checks)", node,
                    Math.abs(skew.toMillis()), skew.isNegative() ? "behind" : "ahead of");
        }
    }
}
