package io.vaultgate.core.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The forwarder's meters: deliveries, failed attempts by kind, jobs that went dead (per site), the backlog. */
final class ForwardMetrics {

    private final MeterRegistry registry;

    ForwardMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void delivered(String site) {
        Counter.builder("vaultgate.forward.delivered").description("files delivered to a site")
                .tag("site", site).register(registry).increment();
    }

    void failed(String site, DeliveryOutcome.Kind kind) {
        Counter.builder("vaultgate.forward.failures").description("failed forward attempts")
                .tag("site", site).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry).increment();
    }

    /**
     * Jobs per state, read from the outbox when scraped: alert on {@code state="dead"} above zero. Delivered and
     * abandoned jobs are left out: both are final and only ever grow (as the per-site queue gauge leaves them out).
     */
    void backlog(Outbox outbox) {
        for (ForwardState state : ForwardState.values()) {
            if (state != ForwardState.DELIVERED && state != ForwardState.ABANDONED) {
                io.micrometer.core.instrument.Gauge.builder("vaultgate.forward.jobs", outbox, o -> o.count(state))
                        .description("forward jobs in the outbox, by state")
                        .tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
            }
        }
    }

    void dead(String site) {
        Counter.builder("vaultgate.forward.dead").description("forward jobs moved to the dead-letter state")
                .tag("site", site).register(registry).increment();
    }
}
