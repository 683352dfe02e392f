package io.vaultgate.server.ops;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.metrics.CheckResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the administrator's (full) {@link StatusReport} from a running core, its meters and the readiness checks;
 * {@link StatusHandler} gives a monitor its {@link MonitorView}.
 */
public final class CoreStatus implements Supplier<StatusReport> {

    private final GatewayCore core;
    private final List<ReadinessCheck> checks;
    private final String version;
    private final Instant startedAt;
    private final Clock clock;

    public CoreStatus(GatewayCore core, List<ReadinessCheck> checks, String version, Clock clock) {
        this.core = core;
        this.checks = List.copyOf(checks);
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public StatusReport get() {
        List<CheckResult> results = new ArrayList<>();
        checks.forEach(check -> results.add(check.check()));
        core.metrics().refresh();
        RegistryStatus meters = new RegistryStatus(core.metrics().registry());
        List<SiteQueue> forwarding = meters.forwarding();
        List<String> alerts = new ArrayList<>(meters.alerts(results, forwarding));
        alerts.addAll(core.kekStartupCheck().alerts()); // tenants refused here, not the node: no readiness check
        return new StatusReport(version, clock.instant(), startedAt, core.uploads().active(), meters.connections(),
                core.metrics().transfers().inProgress(), forwarding, core.metrics().transfers().recentFailures(),
                alerts, results, OpsRole.ADMINISTRATOR);
    }
}
