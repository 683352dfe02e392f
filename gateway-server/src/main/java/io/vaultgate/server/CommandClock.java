package io.vaultgate.server;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.CatalogClock;
import java.time.Clock;
import java.util.Objects;

/**
 * The clock a command line runs on ({@link Vaultgate#clock}): the time its commands compare with (a certificate's
 * expiry, an account's, a token's lifetime, a demo's credentials) and write in the catalog. {@link #system()} is this
 * host's clock, put on the catalog's time where a command reads the catalog ({@link CatalogClock#measured}), as a
 * gateway node's is. A test pins it ({@link #pinned}) as it gives a core its own clock: a pinned clock stands for the
 * catalog's time as well, and is not measured against the database's, which a test cannot set.
 */
public final class CommandClock {

    private final Clock host;
    private final boolean measured;

    private CommandClock(Clock host, boolean measured) {
        this.host = Objects.requireNonNull(host, "host");
        this.measured = measured;
    }

    /** This host's clock, measured against the catalog's where a command reads the catalog. */
    public static CommandClock system() {
        return new CommandClock(Clock.systemUTC(), true);
    }

    /** {@code clock} for every time a command reads, the catalog's included (tests). */
    public static CommandClock pinned(Clock clock) {
        return new CommandClock(clock, false);
    }

    /** This host's time: what is judged against the outside world (certificate files), never against the catalog. */
    public Clock host() {
        return host;
    }

    /**
     * The time to write in {@code database} and compare with its rows: the host's, put on the catalog's when it is off
     * by more than half a second ({@link CatalogClock#measured}; one query). Call it once per command.
     */
    public Clock onCatalog(Database database) {
        return measured ? CatalogClock.measured(host, database) : host;
    }

    /** Whether a core opened on this clock is put on the catalog's time ({@link CoreResources#openForCommand}). */
    boolean measuresCatalog() {
        return measured;
    }
}
