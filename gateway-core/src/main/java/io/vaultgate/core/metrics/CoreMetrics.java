package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.ingest.UploadGate;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.CatalogClock;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The core's instrumentation, over the registry the composition root chooses (Prometheus in the server, a
 * simple in-memory one in tests and admin commands). One instance per core; nothing here is global.
 */
public final class CoreMetrics {

    static final long CATALOG_REFRESH_SECONDS = 10;
    private static final Duration CATALOG_REFRESH = Duration.ofSeconds(CATALOG_REFRESH_SECONDS);

    private final MeterRegistry registry;
    private final TransferMetrics transfers;
    private final AuthMetrics auth;
    private final TenantLabels tenants;
    private volatile CatalogGauges catalog;

    /**
     * @param clock dates the transfers in progress and the recent failures, which only this process keeps and its
     *              status page shows against its own clock (the host's); durations are monotonic
     */
    public CoreMetrics(MeterRegistry registry, TenantLabels tenants, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tenants = tenants;
        this.transfers = new TransferMetrics(registry, Objects.requireNonNull(tenants, "tenants"), clock);
        this.auth = new AuthMetrics(registry);
    }

    /** Metrics kept in memory only, for a core nobody scrapes (admin commands, most tests). */
    public static CoreMetrics inMemory(Clock clock) {
        return new CoreMetrics(new SimpleMeterRegistry(), TenantLabels.defaults(), clock);
    }

    /** Publishes the number of uploads in flight. */
    public void watch(UploadGate uploads) {
        Gauge.builder(GatewayMetrics.UPLOADS_ACTIVE.name(), uploads, UploadGate::active)
                .description(GatewayMetrics.UPLOADS_ACTIVE.description()).strongReference(true).register(registry);
    }

    /**
     * Publishes the gauges read from {@code database} (per-tenant usage, batches, the forwarding outbox, key and
     * certificate ages; see {@link #refresh()}), their ages on {@code coreClock}, the core's clock, since they age rows
     * other nodes wrote; and how far this node's clock is off the catalog's ({@link GatewayMetrics#CLOCK_OFFSET}).
     */
    public void watch(Database database, CatalogClock coreClock) {
        this.catalog = new CatalogGauges(registry, database, tenants, coreClock, CATALOG_REFRESH);
        gauge(GatewayMetrics.CLOCK_OFFSET, coreClock, c -> -c.skew().toMillis() / 1000.0);
        gauge(GatewayMetrics.CLOCK_CORRECTED, coreClock, c -> c.correction().isZero() ? 0 : 1);
    }

    private void gauge(MeterSpec spec, CatalogClock coreClock, ToDoubleFunction<CatalogClock> value) {
        Gauge.Builder<CatalogClock> builder = Gauge.builder(spec.name(), coreClock, value)
                .description(spec.description()).strongReference(true);
        (spec.unit().isEmpty() ? builder : builder.baseUnit(spec.unit())).register(registry);
    }

    /**
     * Re-reads the catalog gauges if they are older than {@value #CATALOG_REFRESH_SECONDS} s; call before a
     * scrape. Never throws: a catalog that does not answer leaves the last values (and readiness says why).
     */
    public void refresh() {
        CatalogGauges gauges = catalog;
        if (gauges != null) {
            gauges.refresh();
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    public TransferMetrics transfers() {
        return transfers;
    }

    public AuthMetrics auth() {
        return auth;
    }
}
