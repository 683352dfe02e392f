package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;

/**
 * What a monitor's token reads of {@code /status.json}: the administrator's report with the file path and the login
 * name of every transfer in progress and every recent failure replaced by {@link #HIDDEN}. Everything else stays as
 * it is, since an ops dashboard needs it and none of it names a customer's file or a person: the counts, connections,
 * each transfer's id (an opaque random file id), tenant, protocol, direction, bytes, size and start, the forwarding
 * outbox per site, the alerts (tenant ids, site ids, certificate names) and the readiness checks, up or down. Why a
 * check is down is hidden too ({@link #CHECK_HIDDEN}): the reason names what failed (the object store's directory,
 * the catalog file's path, the PostgreSQL host, an exception's text), which an administrator's token and the log show.
 * A Prometheus token that leaks therefore shows how busy each tenant is, not what its files are called nor who sent
 * them, nor where the gateway keeps its data.
 */
final class MonitorView {

    /**
     * In place of a path and a login name. Neither can take this value: a path starts with {@code /}, a login name
     * is lower-case letters, digits, {@code .}, {@code _} and {@code -}.
     */
    static final String HIDDEN = "(hidden)";

    /** In place of the reason a readiness check is down. */
    static final String CHECK_HIDDEN = "down (why is hidden from a monitor: an administrator's token or the gateway's "
            + "log shows it)";

    private MonitorView() {
    }

    /** {@code full} (an administrator's report) as a monitor sees it. */
    static StatusReport of(StatusReport full) {
        return new StatusReport(full.version(), full.now(), full.startedAt(), full.activeUploads(), full.connections(),
                full.transfers().stream().map(MonitorView::hidden).toList(), full.forwarding(),
                full.recentFailures().stream().map(f -> new FailedTransfer(hidden(f.transfer()), f.failedAt()))
                        .toList(), full.alerts().stream().map(alert -> hiddenAlert(alert, full)).toList(),
                full.checks().stream().map(MonitorView::hidden).toList(), OpsRole.MONITOR);
    }

    /** A down check's alert repeats its reason: the monitor's says the check is down, as its check does. */
    private static String hiddenAlert(String alert, StatusReport full) {
        return full.checks().stream().filter(check -> !check.up())
                .filter(check -> alert.equals(RegistryStatus.notReady(check))).findFirst()
                .map(check -> RegistryStatus.notReady(hidden(check))).orElse(alert);
    }

    private static CheckResult hidden(CheckResult check) {
        return check.up() ? check : CheckResult.down(check.name(), CHECK_HIDDEN);
    }

    private static TransferSnapshot hidden(TransferSnapshot t) {
        return new TransferSnapshot(t.transferId(), t.tenant(), HIDDEN, t.protocol(), t.direction(), HIDDEN,
                t.startedAt(), t.offset(), t.bytes(), t.size());
    }
}
