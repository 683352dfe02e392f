package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;

/**
 * What a monitor's token reads of {@code /status.json}: the administrator's report with the file path and the login
 * name of every transfer in progress and every recent failure replaced by {@link #HIDDEN}. Everything else stays as
 * it is, since an ops dashboard needs it and none of it names a customer's file or a person: the counts, connections,
 * each transfer's id (an opaque random file id), tenant, protocol, direction, bytes, size and start, the forwarding
 * outbox per site, the alerts (tenant ids, site ids, certificate names) and the readiness checks with their details.
 * A Prometheus token that leaks therefore shows how busy each tenant is, not what its files are called nor who sent
 * them.
 */
final class MonitorView {

    /**
     * In place of a path and a login name. Neither can take this value: a path starts with {@code /}, a login name
     * is lower-case letters, digits, {@code .}, {@code _} and {@code -}.
     */
    static final String HIDDEN = "(hidden)";

    private MonitorView() {
    }

    /** {@code full} (an administrator's report) as a monitor sees it. */
    static StatusReport of(StatusReport full) {
        return new StatusReport(full.version(), full.now(), full.startedAt(), full.activeUploads(), full.connections(),
                full.transfers().stream().map(MonitorView::hidden).toList(), full.forwarding(),
                full.recentFailures().stream().map(f -> new FailedTransfer(hidden(f.transfer()), f.failedAt()))
                        .toList(), full.alerts(), full.checks(), OpsRole.MONITOR);
    }

    private static TransferSnapshot hidden(TransferSnapshot t) {
        return new TransferSnapshot(t.transferId(), t.tenant(), HIDDEN, t.protocol(), t.direction(), HIDDEN,
                t.startedAt(), t.offset(), t.bytes(), t.size());
    }
}
