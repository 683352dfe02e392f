package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The time a core reads and writes in the catalog: the node's own clock, corrected by how far it is off the catalog's
 * clock ({@link io.vaultgate.core.catalog.Dialect#nowMillis()}) when that is more than {@link #TOLERANCE}.
 *
 * <p>Nodes sharing a catalog compare times other nodes wrote with their own: a forward job's lease expiry, a batch's
 * lease and claim time, a job's next attempt, a file's times. With each node on its own clock, a node whose clock ran
 * ahead by more than a lease took over jobs and batches that a healthy node still held (a batch then claimed by two
 * operators), and one whose clock lagged left a dead worker's job leased for that much longer. So the core of a node
 * that joined the cluster ({@link Nodes#join()}) measures its clock against the catalog's at the join and at every
 * heartbeat ({@link #measure}), and from then on runs on the catalog's time: every lease is written and judged on one
 * clock, whatever the nodes' clocks say. The comparisons stay in Java, so a test still drives a core with a clock of
 * its own.
 *
 * <p>The correction moves only when the measured difference parts from it by more than {@link #TOLERANCE}: a node
 * synchronized with the catalog (and any node of an SQLite catalog, which is the node's own clock) keeps its own
 * time, unchanged and never stepping back by a measurement's jitter; a skewed node is held within that much of the
 * catalog. An admin command measures once when it opens the catalog ({@link Nodes#measureClock()}, {@link #measured}),
 * so the times it writes and compares are the catalog's as well; a core that never measured (most tests) keeps its own
 * clock. Between heartbeats a step of the node's clock (an NTP correction) counts until the next heartbeat measures it.
 *
 * <p>Not on this clock: durations (measured with {@link System#nanoTime()}), and what is judged against the outside
 * world rather than against other nodes' rows: TLS certificate and CRL validity (the JDK checks them on the host's
 * clock), S3 request signatures, log timestamps.
 */
public final class CatalogClock extends Clock {

    /** How far a node's time may be off the catalog's before it is corrected. */
    public static final Duration TOLERANCE = Duration.ofMillis(500);

    /**
     * How far a node's clock may be off the catalog's before someone should fix its time synchronization: the status
     * page's alert and {@code vaultgate doctor} use it, as the Prometheus rule {@code VaultgateClockSkew} does (5 s).
     * Below it the correction covers the difference silently (but for its log line).
     */
    public static final Duration WARNING = Duration.ofSeconds(5);

    private final Clock base;
    /** The node's clock minus the catalog's, as last applied: subtracted from the node's time. */
    private volatile long correctionMillis;
    /** The node's clock minus the catalog's, as last measured; empty until the first measurement. */
    private volatile Duration measured;

    public CatalogClock(Clock base) {
        this.base = base;
    }

    /**
     * {@code base} put on the catalog's time by one measurement, for a process that never joins (an admin command that
     * opens the catalog without a core): logged as a node's correction is. Throws if the catalog cannot be read.
     */
    public static CatalogClock measured(Clock base, Database database) {
        CatalogClock clock = new CatalogClock(base);
        ClockWatch.ofCommand(clock).measure(database);
        return clock;
    }

    /**
     * Reads the catalog's time and compares the node's with it; applies the difference as the correction when it
     * parts from the current one by more than {@link #TOLERANCE}. Returns the difference measured (positive: the
     * node's clock is ahead). Throws if the catalog cannot be read; the correction then stays.
     */
    public Duration measure(Database database) {
        long skew = database.read(jdbc -> { // timed around the statement alone, not the connection's checkout
            long before = base.millis();
            long catalog = jdbc.queryOne("SELECT " + jdbc.dialect().nowMillis(), row -> row.getLong(1))
                    .orElseThrow();
            long after = base.millis();
            return before + (after - before) / 2 - catalog;
        });
        measured = Duration.ofMillis(skew);
        if (Math.abs(skew - correctionMillis) > TOLERANCE.toMillis()) {
            correctionMillis = Math.abs(skew) > TOLERANCE.toMillis() ? skew : 0;
        }
        return measured;
    }

    /** How far the node's clock was off the catalog's at the last measurement (positive: ahead); zero before any. */
    public Duration skew() {
        Duration last = measured;
        return last == null ? Duration.ZERO : last;
    }

    /** What is subtracted from the node's time to get the catalog's: zero while within {@link #TOLERANCE}. */
    public Duration correction() {
        return Duration.ofMillis(correctionMillis);
    }

    @Override
    public Instant instant() {
        long correction = correctionMillis;
        Instant now = base.instant();
        return correction == 0 ? now : now.minusMillis(correction);
    }

    @Override
    public long millis() {
        return base.millis() - correctionMillis;
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    /** Not supported: the core keeps instants, and a copy would not follow this clock's measurements. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(getZone())) {
            return this;
        }
        throw new UnsupportedOperationException("the catalog clock has no other zone");
    }
}
