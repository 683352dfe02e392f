package io.vaultgate.core.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.metrics.GatewayMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * What a scraper of the ops listener sees of failed logins: {@code vaultgate_auth_failures_total} by its labels, as
 * {@code protocol/reason}, e.g. {@code sftp/tenant_locked}.
 */
public final class AuthFailureCounts {

    private final MeterRegistry registry;

    public AuthFailureCounts(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Every series's count now. */
    public Map<String, Double> now() {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter counter : registry.find(GatewayMetrics.AUTH_FAILURES.name()).counters()) {
            counts.put(counter.getId().getTag(GatewayMetrics.PROTOCOL) + "/"
                    + counter.getId().getTag(GatewayMetrics.REASON), counter.count());
        }
        return counts;
    }

    /** How much each series went up while {@code attempt} ran (series that did not are left out), and its answer. */
    public <T> Change<T> during(Callable<T> attempt) throws Exception {
        Map<String, Double> before = now();
        T answer = attempt.call();
        Map<String, Double> increase = new TreeMap<>();
        now().forEach((series, count) -> {
            double by = count - before.getOrDefault(series, 0.0);
            if (by != 0) {
                increase.put(series, by);
            }
        });
        return new Change<>(answer, increase);
    }

    public record Change<T>(T answer, Map<String, Double> increase) {
    }
}
