package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the catalog: stored bytes, files and quota usage per tenant, batches per tenant and
 * state, the forwarding outbox per site ({@link ForwardQueueGauges}), key ages and site certificates
 * ({@link KeyAndCertificateGauges}), accounts' client certificates by expiry ({@link ClientCertificateGauges}).
 * {@link #refresh()} updates them (the ops listener calls it before each scrape) at most once per
 * {@code minInterval} (elapsed time, {@link System#nanoTime()}), with a fixed number of grouped queries whatever the
 * number of tenants. Tenants that share the {@code other} label are summed, except quota usage, where the fullest
 * tenant counts. Ages are taken on the core's clock, the catalog's time on a joined node: the rows they age were
 * written by any node.
 */
final class CatalogGauges {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogGauges.class);

    /** Reads the covering index batches_by_state (V20), not the table, which keeps every completed batch. */
    static final String BATCH_STATES_QUERY = "SELECT tenant_id, state, COUNT(*) FROM batches GROUP BY tenant_id, state";

    private record Row(String tenant, String state, long a, long b) {
    }

    private final Database database;
    private final TenantLabels labels;
    private final Clock clock;
    private final Duration minInterval;
    private final TenantRepository tenants = new TenantRepository();
    private final MultiGauge stored;
    private final MultiGauge files;
    private final MultiGauge quota;
    private final MultiGauge batches;
    private final ForwardQueueGauges forward;
    private final KeyAndCertificateGauges keys;
    private final ClientCertificateGauges clientCertificates;
    /** When the last refresh started ({@link System#nanoTime()}); null before the first. */
    private Long refreshedAt;

    CatalogGauges(MeterRegistry registry, Database database, TenantLabels labels, Clock clock, Duration minInterval) {
        this.database = database;
        this.labels = labels;
        this.clock = clock;
        this.minInterval = minInterval;
        this.stored = gauge(registry, GatewayMetrics.TENANT_STORED);
        this.files = gauge(registry, GatewayMetrics.TENANT_FILES);
        this.quota = gauge(registry, GatewayMetrics.TENANT_QUOTA_USAGE);
        this.batches = gauge(registry, GatewayMetrics.BATCHES);
        this.forward = new ForwardQueueGauges(registry, database);
        this.keys = new KeyAndCertificateGauges(registry, database, labels);
        this.clientCertificates = new ClientCertificateGauges(registry, database);
    }

    private static MultiGauge gauge(MeterRegistry registry, MeterSpec spec) {
        MultiGauge.Builder builder = MultiGauge.builder(spec.name()).description(spec.description());
        return (spec.unit().isEmpty() ? builder : builder.baseUnit(spec.unit())).register(registry);
    }

    synchronized void refresh() {
        long started = System.nanoTime();
        if (refreshedAt != null && started - refreshedAt < minInterval.toNanos()) {
            return;
        }
        refreshedAt = started;
        Instant now = clock.instant();
        try {
            List<Tenant> all = database.read(tenants::list);
            List<Row> sums = database.read(jdbc -> jdbc.query(
                    "SELECT tenant_id, bytes, files FROM tenant_usage",
                    row -> new Row(row.getString(1), "", row.getLong(2), row.getLong(3))));
            List<Row> states = database.read(jdbc -> jdbc.query(
                    BATCH_STATES_QUERY,
                    row -> new Row(row.getString(1), row.getString(2), row.getLong(3), 0)));
            Map<String, TenantUsage> usage = usage(all, sums);
            publish(stored, usage, TenantUsage::bytes);
            publish(files, usage, TenantUsage::files);
            publish(quota, usage, TenantUsage::quotaUsage);
            Map<Tags, Long> counts = new HashMap<>();
            for (Row row : states) {
                counts.merge(Tags.of(GatewayMetrics.TENANT, labels.of(TenantId.of(row.tenant())),
                        GatewayMetrics.STATE, row.state().toLowerCase(Locale.ROOT)), row.a(), Long::sum);
            }
            batches.register(counts.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(), true);
            forward.refresh(now);
            keys.refresh(all, now);
            clientCertificates.refresh(now);
        } catch (RuntimeException e) {
            LOG.warn("catalog gauges not refreshed: {}", e.getMessage());
        }
    }

    private Map<String, TenantUsage> usage(List<Tenant> all, List<Row> sums) {
        Map<String, Row> byTenant = new HashMap<>();
        sums.forEach(row -> byTenant.put(row.tenant(), row));
        Map<String, TenantUsage> byLabel = new HashMap<>();
        for (Tenant tenant : all) {
            Row sum = byTenant.getOrDefault(tenant.id().value(), new Row(tenant.id().value(), "", 0, 0));
            String label = labels.of(tenant.id());
            byLabel.merge(label, TenantUsage.of(label, sum.a(), sum.b(), tenant.quota()), TenantUsage::plus);
        }
        return byLabel;
    }

    private static void publish(MultiGauge gauge, Map<String, TenantUsage> usage, ToDoubleFunction<TenantUsage> value) {
        gauge.register(usage.values().stream()
                .map(u -> MultiGauge.Row.of(Tags.of(GatewayMetrics.TENANT, u.label()), value.applyAsDouble(u)))
                .toList(), true);
    }
}
