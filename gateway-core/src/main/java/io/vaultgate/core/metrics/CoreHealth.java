package io.vaultgate.core.metrics;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Readiness of the core's own resources. The catalog is up when a query on a real table answers (an empty
 * database that a new connection would create fails, where {@code SELECT 1} would not). Pooled connections
 * keep working on a SQLite file deleted under them, so the composition root adds a check of the file itself.
 * The store is up when a one-byte probe object can be written, synced and deleted; the probe lives under the
 * reserved tenant {@value #PROBE_TENANT}, which holds nothing else (no tenant of that id can be created; one left
 * from a catalog older than the reservation is reported by {@code vaultgate doctor}, and meanwhile keeps its objects:
 * the probe creates and deletes only an object of a fresh random 128-bit name, and never lists, opens or sweeps).
 *
 * <p>{@code /health/ready} answers anyone who can reach the ops listener, so the store probe, a write and an
 * fsync, runs at most once per {@link #STORE_PROBE_INTERVAL}: in between, every caller (the health endpoint,
 * the {@code vaultgate_ready} gauge, the status report) gets the last probe's result, and a flood of requests
 * makes no flood of writes. A probe that is still running when its result is asked for again serves the
 * previous result, unless it has been running for longer than the interval: then the store is reported down
 * (a hung mount must not look ready because the last probe before it hung passed).
 */
public final class CoreHealth {

    public static final String PROBE_TENANT = "vaultgate-health-probe";

    /** How long a store probe's result is served before the store is written to again. */
    public static final Duration STORE_PROBE_INTERVAL = Duration.ofSeconds(5);

    private static final long MIN_OVERDUE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Database database;
    private final ObjectStore store;
    private final SecureRandom random;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe last;
    /** When the running probe started; null while none runs. */
    private volatile Long probeStarted;

    private record Probe(CheckResult result, long finishedAt) {
    }

    public CoreHealth(Database database, ObjectStore store, SecureRandom random) {
        this(database, store, random, STORE_PROBE_INTERVAL, System::nanoTime);
    }

    /**
     * @param storeProbeInterval how long a store probe's result is served; zero probes on every call
     * @param nanoTime           a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
     */
    public CoreHealth(Database database, ObjectStore store, SecureRandom random, Duration storeProbeInterval,
                      LongSupplier nanoTime) {
        if (storeProbeInterval.isNegative()) {
            throw new IllegalArgumentException("negative store probe interval");
        }
        this.database = database;
        this.store = store;
        this.random = random;
        this.intervalNanos = storeProbeInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Both checks, catalog first. */
    public List<CheckResult> check() {
        return List.of(catalog(), store());
    }

    public CheckResult catalog() {
        try {
            database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM tenants"));
            return CheckResult.up("catalog");
        } catch (RuntimeException e) {
            return CheckResult.down("catalog", "the catalog does not answer: " + e.getMessage());
        }
    }

    /** The last store probe's result if it is younger than the interval, else a new probe's. */
    public CheckResult store() {
        Probe seen = last;
        if (fresh(seen)) {
            return seen.result();
        }
        if (seen == null) {
            probing.lock(); // nothing to serve yet: wait for the first probe
        } else if (!probing.tryLock()) {
            Long started = probeStarted;
            long running = started == null ? 0 : nanoTime.getAsLong() - started;
            if (running > Math.max(intervalNanos, MIN_OVERDUE_NANOS)) {
                return CheckResult.down("store", "the object store has not finished a write probe for "
                        + TimeUnit.NANOSECONDS.toSeconds(running) + " s");
            }
            return seen.result();
        }
        try {
            Probe now = last;
            if (fresh(now)) {
                return now.result(); // another caller probed while this one waited
            }
            probeStarted = nanoTime.getAsLong();
            CheckResult result = probe();
            last = new Probe(result, nanoTime.getAsLong());
            return result;
        } finally {
            probeStarted = null;
            probing.unlock();
        }
    }

    private boolean fresh(Probe probe) {
        return probe != null && nanoTime.getAsLong() - probe.finishedAt() < intervalNanos;
    }

    private CheckResult probe() {
        TenantId tenant = TenantId.of(PROBE_TENANT);
        ObjectId id = ObjectId.random(random);
        try {
            try (PendingObject probe = store.create(tenant, id)) {
                probe.channel().write(ByteBuffer.wrap(new byte[] {1}));
                probe.sync();
            } finally {
                store.delete(tenant, id);
            }
            return CheckResult.up("store");
        } catch (Exception e) {
            return CheckResult.down("store", "the object store is not writable: " + e.getMessage());
        }
    }
}
