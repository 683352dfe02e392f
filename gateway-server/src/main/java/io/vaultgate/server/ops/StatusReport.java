package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code /status.json} returns and the status page shows.
 *
 * @param activeUploads  uploads in flight, as the core's upload gate counts them
 * @param connections    connections open now per front-end ({@code sftp}, {@code https}) that publishes them
 * @param transfers      transfers in progress, oldest first, with the bytes moved so far
 * @param forwarding     the forwarding outbox per site
 * @param recentFailures the last transfers that failed, newest first
 * @param alerts         what needs attention now, one sentence each (see {@link RegistryStatus})
 * @param checks         the readiness checks
 * @param view           whom the report was made for: {@code administrator} (everything) or {@code monitor} (the
 *                       transfers' paths and login names hidden, {@link MonitorView})
 */
public record StatusReport(String version, Instant now, Instant startedAt, int activeUploads,
                           Map<String, Integer> connections, List<TransferSnapshot> transfers,
                           List<SiteQueue> forwarding, List<FailedTransfer> recentFailures, List<String> alerts,
                           List<CheckResult> checks, OpsRole view) {
    public StatusReport {
        connections = Map.copyOf(connections);
        transfers = List.copyOf(transfers);
        forwarding = List.copyOf(forwarding);
        recentFailures = List.copyOf(recentFailures);
        alerts = List.copyOf(alerts);
        checks = List.copyOf(checks);
        Objects.requireNonNull(view, "view");
    }

    /** An administrator's report with transfers and checks only. */
    public StatusReport(String version, Instant now, Instant startedAt, int activeUploads,
                        List<TransferSnapshot> transfers, List<CheckResult> checks) {
        this(version, now, startedAt, activeUploads, Map.of(), transfers, List.of(), List.of(), List.of(), checks,
                OpsRole.ADMINISTRATOR);
    }
}
