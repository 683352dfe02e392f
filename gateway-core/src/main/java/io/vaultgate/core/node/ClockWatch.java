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

    /** Who the log lines are about: {@code node gw1}, or {@code this host} for an admin command. */
    private final String subject;
    private final CatalogClock clock;

    private ClockWatch(String subject, CatalogClock clock) {
        this.subject = subject;
        this.clock = clock;
    }

    /** The watch of a joined node's clock. */
    static ClockWatch ofNode(String id, CatalogClock clock) {
        return new ClockWatch("node " + id, clock);
    }

    /** The watch of an admin command's clock, measured once when it opens the catalog. */
    static ClockWatch ofCommand(CatalogClock clock) {
        return new ClockWatch("this host", clock);
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
            LOG.info("{}: its clock is back within {} ms of the catalog's ({} ms); it runs on its own time again",
                    subject, CatalogClock.TOLERANCE.toMillis(), skew.toMillis());
        } else {
            LOG.warn("{}: its clock is {} ms {} the catalog's; leases, due times and every other time it writes in "
                    + "the catalog or compares with it use the catalog's time instead (fix its time synchronization: "
                    + "its own clock still dates its logs and TLS checks)", subject,
                    Math.abs(skew.toMillis()), skew.isNegative() ? "behind" : "ahead of");
        }
    }
}
