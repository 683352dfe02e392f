package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.node.CatalogClock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * This host's clock against the catalog's (one query of the database's time, as a node measures it at every
 * heartbeat): off by more than {@link CatalogClock#WARNING}, its time synchronization needs fixing. A gateway on this
 * host still runs on the catalog's time (leases stay right), but its logs, its TLS certificate and CRL checks and S3
 * signatures use its own clock. Never fires on an SQLite catalog, whose time is this host's.
 */
final class ClockOffset implements Check {

    static final String NAME = "clock";

    private final Clock host;

    /** @param host this host's clock ({@link Clock#systemUTC()} but in tests) */
    ClockOffset(Clock host) {
        this.host = host;
    }

    @Override
    public List<Finding> run(DoctorContext context) {
        Duration skew = new CatalogClock(host).measure(context.database());
        if (skew.abs().compareTo(CatalogClock.WARNING) <= 0) {
            return List.of();
        }
        return List.of(new Finding(NAME, "this host", String.format(Locale.ROOT,
                "its clock is %.1f s %s the catalog's (the database server's); gateway nodes correct for it, but "
                        + "their log times, TLS certificate checks and S3 signatures use the host's clock",
                Math.abs(skew.toMillis()) / 1000.0, skew.isNegative() ? "behind" : "ahead of"),
                "synchronize this host and the database server with NTP (chronyc tracking, timedatectl)"));
    }
}
