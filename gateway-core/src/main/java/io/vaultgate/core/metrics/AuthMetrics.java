package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.tenant.Protocol;
import java.util.Locale;

/**
 * Counts login attempts: successes by protocol and method, failures by protocol and reason.
 *
 * <p>A monitor's token refused by the HTTPS front-end ({@link AuthFailure#MONITOR_ONLY}) is registered at 0 from the
 * start: the alert on it ({@code VaultgateMonitorTokenMisused}) fires on {@code increase()}, which sees nothing of a
 * counter whose first sample is already 1, so the first attempt with a scrape token, often the only one, would go
 * unseen.
 */
public final class AuthMetrics {

    private final MeterRegistry registry;

    AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
        failures(Protocol.HTTPS, AuthFailure.MONITOR_ONLY);
    }

    /** {@code method} is one of publickey, password, token, certificate. */
    public void succeeded(Protocol protocol, String method) {
        Counter.builder(GatewayMetrics.AUTH_SUCCESSES.name()).description(GatewayMetrics.AUTH_SUCCESSES.description())
                .tags(GatewayMetrics.PROTOCOL, label(protocol), GatewayMetrics.METHOD, method)
                .register(registry).increment();
    }

    public void failed(Protocol protocol, AuthFailure reason) {
        failures(protocol, reason).increment();
    }

    private Counter failures(Protocol protocol, AuthFailure reason) {
        return Counter.builder(GatewayMetrics.AUTH_FAILURES.name())
                .description(GatewayMetrics.AUTH_FAILURES.description())
                .tags(GatewayMetrics.PROTOCOL, label(protocol), GatewayMetrics.REASON,
                        reason.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private static String label(Protocol protocol) {
        return protocol == null ? TransferMetrics.UNKNOWN : protocol.name().toLowerCase(Locale.ROOT);
    }
}
