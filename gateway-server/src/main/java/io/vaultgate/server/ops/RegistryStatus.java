package io.vaultgate.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.core.node.CatalogClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of the status page read back from the meters, so the page and {@code /metrics} never disagree:
 * connections open per front-end, the forwarding outbox per site, and alerts, which are the conditions the
 * Prometheus rules of {@code deploy/prometheus} alert on, evaluated on the current values (without their
 * {@code for} delays): failed readiness checks, dead or long-waiting forward jobs, certificates expiring
 * within 30 days, keys older than a year, quotas and disk over 90 %, a node clock more than 5 s off the catalog's.
 */
final class RegistryStatus {

    static final double DAY = 86_400;

    private final MeterRegistry registry;

    RegistryStatus(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The alert of a readiness check that is down. */
    static String notReady(CheckResult check) {
        return "not ready: " + check.name() + ": " + check.detail();
    }

    /** Open connections by front-end ({@code sftp}, {@code https}) for those that publish them. */
    Map<String, Integer> connections() {
        Map<String, Integer> open = new LinkedHashMap<>();
        for (String protocol : List.of("sftp", "https")) {
            Gauge gauge = registry.find("vaultgate." + protocol + ".connections.open").gauge();
            if (gauge != null) {
                open.put(protocol, (int) gauge.value());
            }
        }
        return open;
    }

    List<SiteQueue> forwarding() {
        Map<String, long[]> counts = new TreeMap<>();
        for (Gauge gauge : registry.find(GatewayMetrics.FORWARD_QUEUE.name()).gauges()) {
            long[] c = counts.computeIfAbsent(gauge.getId().getTag("site"), s -> new long[3]);
            switch (String.valueOf(gauge.getId().getTag("state"))) {
                case "pending" -> c[0] += (long) gauge.value();
                case "in_flight" -> c[1] += (long) gauge.value();
                case "dead" -> c[2] += (long) gauge.value();
                default -> { }
            }
        }
        Map<String, Double> oldest = new TreeMap<>();
        for (Gauge gauge : registry.find(GatewayMetrics.FORWARD_OLDEST.name()).gauges()) {
            oldest.put(gauge.getId().getTag("site"), gauge.value());
            counts.computeIfAbsent(gauge.getId().getTag("site"), s -> new long[3]);
        }
        List<SiteQueue> sites = new ArrayList<>();
        counts.forEach((site, c) -> sites.add(new SiteQueue(site, c[0], c[1], c[2], oldest.getOrDefault(site, 0.0))));
        return sites;
    }

    List<String> alerts(List<CheckResult> checks, List<SiteQueue> sites) {
        List<String> alerts = new ArrayList<>();
        checks.stream().filter(c -> !c.up()).forEach(c -> alerts.add(notReady(c)));
        for (SiteQueue site : sites) {
            if (site.dead() > 0) {
                alerts.add("site " + site.site() + ": " + site.dead() + " forward jobs dead (vaultgate forward retry)");
            }
            if (site.oldestSeconds() > 3600) {
                alerts.add("site " + site.site() + ": a file has waited " + hours(site.oldestSeconds())
                        + " to be delivered");
            }
        }
        for (Gauge gauge : registry.find(GatewayMetrics.CERTIFICATE_EXPIRY.name()).gauges()) {
            double seconds = gauge.value();
            String name = gauge.getId().getTag("certificate");
            if (Double.isNaN(seconds)) {
                alerts.add("certificate " + name + " cannot be read");
            } else if (seconds <= 0) {
                alerts.add("certificate " + name + " has expired");
            } else if (seconds < 30 * DAY) {
                alerts.add(String.format(Locale.ROOT, "certificate %s expires in %.0f days", name, seconds / DAY));
            }
        }
        for (Gauge gauge : registry.find(GatewayMetrics.TENANT_KEY_AGE.name()).gauges()) {
            if (gauge.value() > 365 * DAY) {
                alerts.add(String.format(Locale.ROOT, "tenant %s: key not rotated for %.0f days",
                        gauge.getId().getTag(GatewayMetrics.TENANT), gauge.value() / DAY));
            }
        }
        for (Gauge gauge : registry.find(GatewayMetrics.TENANT_QUOTA_USAGE.name()).gauges()) {
            if (gauge.value() > 0.9) {
                alerts.add(String.format(Locale.ROOT, "tenant %s: %.0f%% of its quota used",
                        gauge.getId().getTag(GatewayMetrics.TENANT), gauge.value() * 100));
            }
        }
        Gauge offset = registry.find(GatewayMetrics.CLOCK_OFFSET.name()).gauge();
        if (offset != null && Math.abs(offset.value()) > CatalogClock.WARNING.toSeconds()) {
            alerts.add(String.format(Locale.ROOT, "clock: this node's clock is %.1f s %s the catalog's; it runs on the "
                    + "catalog's time, fix its time synchronization", Math.abs(offset.value()),
                    offset.value() > 0 ? "behind" : "ahead of"));
        }
        Gauge usable = registry.find(GatewayMetrics.STORAGE_USABLE.name()).gauge();
        Gauge total = registry.find(GatewayMetrics.STORAGE_TOTAL.name()).gauge();
        if (usable != null && total != null && total.value() > 0 && usable.value() / total.value() < 0.1) {
            alerts.add(String.format(Locale.ROOT, "storage: only %.0f%% of the store's disk is free",
                    usable.value() * 100 / total.value()));
        }
        return alerts;
    }

    private static String hours(double seconds) {
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
