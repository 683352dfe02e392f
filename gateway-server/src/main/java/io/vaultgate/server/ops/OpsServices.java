package io.vaultgate.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.auth.Authenticator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the ops listener serves: the registry it scrapes, what to refresh before a scrape (gauges read from
 * the catalog), the authenticator that checks monitors' and administrators' tokens, the status report and the
 * readiness checks.
 */
public record OpsServices(PrometheusMeterRegistry registry, Runnable beforeScrape, Authenticator authenticator,
                          Supplier<StatusReport> status, List<ReadinessCheck> checks) {
    public OpsServices {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(beforeScrape, "beforeScrape");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(status, "status");
        checks = List.copyOf(checks);
    }
}
