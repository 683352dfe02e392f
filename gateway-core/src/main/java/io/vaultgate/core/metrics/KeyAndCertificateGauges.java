package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.Tenant;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges of key and certificate age read from the catalog, each in one query:
 * <ul>
 *   <li>{@code vaultgate_tenant_key_age_seconds{tenant}}: time since the tenant's active KEK version was
 *   made, that is since its last {@code key.operation} ROTATE audit event, or since the tenant was created
 *   (which made version 1). Under a shared label, the oldest key counts: that is the one overdue.</li>
 *   <li>{@code vaultgate_certificate_expiry_seconds{certificate="site:<id>:client"}} and
 *   {@code "site:<id>:trust"}: time until the first certificate of the gateway's client chain for a site, and
 *   of the site's pinned trust anchors, expires. Sites are configured by administrators, so the label stays
 *   bounded. NaN if the stored PEM cannot be parsed.</li>
 * </ul>
 */
final class KeyAndCertificateGauges {

    static final String ROTATE_QUERY = "SELECT tenant_id, MAX(occurred_at) FROM audit_events "
            + "WHERE kind = 'key.operation' AND event LIKE '%\"action\":\"ROTATE\"%' AND tenant_id IS NOT NULL "
            + "GROUP BY tenant_id";

    private record Rotation(String tenant, long atMillis) {
    }

    private record SiteTls(String site, String trustAnchors, String clientChain) {
    }

    private final Database database;
    private final TenantLabels labels;
    private final MultiGauge keyAge;
    private final MultiGauge certificates;

    KeyAndCertificateGauges(MeterRegistry registry, Database database, TenantLabels labels) {
        this.database = database;
        this.labels = labels;
        this.keyAge = MultiGauge.builder(GatewayMetrics.TENANT_KEY_AGE.name())
                .description(GatewayMetrics.TENANT_KEY_AGE.description())
                .baseUnit(GatewayMetrics.TENANT_KEY_AGE.unit()).register(registry);
        this.certificates = MultiGauge.builder(GatewayMetrics.CERTIFICATE_EXPIRY.name())
                .description(GatewayMetrics.CERTIFICATE_EXPIRY.description())
                .baseUnit(GatewayMetrics.CERTIFICATE_EXPIRY.unit()).register(registry);
    }

    void refresh(List<Tenant> tenants, Instant now) {
        Map<String, Long> rotated = new HashMap<>();
        database.read(jdbc -> jdbc.query(ROTATE_QUERY, row -> new Rotation(row.getString(1), row.getLong(2))))
                .forEach(r -> rotated.put(r.tenant(), r.atMillis()));
        Map<String, Double> oldest = new HashMap<>();
        for (Tenant tenant : tenants) {
            long since = Math.max(tenant.createdAt().toEpochMilli(),
                    rotated.getOrDefault(tenant.id().value(), Long.MIN_VALUE));
            double age = Math.max(0, now.toEpochMilli() - since) / 1000.0;
            oldest.merge(labels.of(tenant.id()), age, Math::max);
        }
        keyAge.register(oldest.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of(GatewayMetrics.TENANT, e.getKey()), e.getValue())).toList(), true);

        List<SiteTls> sites = database.read(jdbc -> jdbc.query(
                "SELECT site_id, trust_anchors, client_chain FROM site_forwarding",
                row -> new SiteTls(row.getString(1), row.getString(2), row.getString(3))));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (SiteTls site : sites) {
            rows.add(row("site:" + site.site() + ":client", secondsLeft(site.clientChain(), now)));
            rows.add(row("site:" + site.site() + ":trust", secondsLeft(site.trustAnchors(), now)));
        }
        certificates.register(rows, true);
    }

    private static MultiGauge.Row<?> row(String certificate, double seconds) {
        return MultiGauge.Row.of(Tags.of("certificate", certificate), seconds);
    }

    /** Seconds until the first of the PEM certificates in {@code pem} expires; NaN if there are none. */
    static double secondsLeft(String pem, Instant now) {
        if (pem == null || pem.isBlank()) {
            return Double.NaN;
        }
        try {
            long first = Long.MAX_VALUE;
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                first = Math.min(first, ((X509Certificate) certificate).getNotAfter().toInstant().getEpochSecond());
            }
            return first == Long.MAX_VALUE ? Double.NaN : first - now.getEpochSecond();
        } catch (GeneralSecurityException | ClassCastException e) {
            return Double.NaN;
        }
    }
}
