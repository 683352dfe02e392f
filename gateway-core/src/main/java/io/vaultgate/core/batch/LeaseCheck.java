package io.vaultgate.core.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a read opened under a {@link Lease} may go on, asked before every read. Cheap: the known expiry is
 * compared with the clock on every call, and the catalog is read at most once per {@code interval} (to notice a
 * completion, a release, another operator's claim, a tenant lockdown, or a new version of the tenant's data-handling
 * policy that the holder has not acknowledged, made on any node) and when the known expiry is reached (a renewal moves
 * it). Once the lease has ended every later call fails too, whatever the catalog says then: a handle never comes back
 * to life under a later claim (nor after the holder acknowledges the new policy: it opens the file again).
 *
 * <p>A catalog that cannot be read fails the call with its own exception, and the next call reads again.
 */
public final class LeaseCheck {

    /** How often a read handle re-reads its batch from the catalog by default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    /** Reads the batch's current standing from the catalog; empty if the batch is gone. */
    @FunctionalInterface
    public interface Standings {
        Optional<BatchStanding> of(String batchId);
    }

    private final Standings catalog;
    private final Clock clock;
    private final Duration interval;
    private Lease lease;
    private Instant checkedAt;
    private String ended;

    /** {@code checkedAt} is when {@code lease} was read from the catalog. */
    public LeaseCheck(Lease lease, Instant checkedAt, Standings catalog, Clock clock, Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the lease check interval must not be negative, got " + interval);
        }
        this.lease = Objects.requireNonNull(lease, "lease");
        this.checkedAt = Objects.requireNonNull(checkedAt, "checkedAt");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interval = interval;
    }

    /** Returns if the lease still holds now; otherwise throws, now and on every later call. */
    public synchronized void requireHeld() throws LeaseEndedException {
        if (ended != null) {
            throw new LeaseEndedException(lease.batchId(), ended);
        }
        Instant now = clock.instant();
        boolean due = now.isBefore(checkedAt) || !now.isBefore(checkedAt.plus(interval));
        if (now.isBefore(lease.expiresAt()) && !due) {
            return;
        }
        Lease.Verdict verdict = catalog.of(lease.batchId())
                .map(standing -> lease.follow(standing, now))
                .orElseGet(() -> new Lease.Ended("the batch no longer exists"));
        checkedAt = now;
        if (verdict instanceof Lease.Holds holds) {
            lease = holds.lease();
            return;
        }
        ended = ((Lease.Ended) verdict).reason();
        throw new LeaseEndedException(lease.batchId(), ended);
    }

    /** The lease as last read (its expiry moves with renewals). */
    public synchronized Lease lease() {
        return lease;
    }
}
