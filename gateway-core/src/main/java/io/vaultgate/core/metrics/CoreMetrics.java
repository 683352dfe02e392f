package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.ingest.UploadGate;
import java.time.Clock;
import java.util.Objects;

/**
 * The core's instrumentation, over the registry the composition root chooses (Prometheus in the server, a
 * simple in-memory one in tests and admin commands). One instance per core; nothing here is global.
 */
public final class CoreMetrics {

    private final MeterRegistry registry;
    private final TransferMetrics transfers;
    private final AuthMetrics auth;

    public CoreMetrics(MeterRegistry registry, TenantLabels tenants, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
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
