package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page as plain text for a terminal ({@code vaultgate status}): readiness and alerts, one row per
 * transfer in progress with a progress bar, the forwarding outbox per site and the recent failures. A download's bar fills with the share of the file read; an
 * upload's final size is unknown while it streams, so its bar is indeterminate (a marker that moves) with
 * the bytes received beside it. Rates come from the previous report when there is one (watch mode), else
 * are averaged since the transfer started. A monitor's report ({@link MonitorView}) says so under the first line; its
 * paths and login names read {@value MonitorView#HIDDEN}.
 */
public final class StatusTable {

    static final int BAR = 20;
    private static final String[] HEADERS = {"", "TENANT", "WHO", "PROTOCOL", "PATH", "BYTES", "RATE", "PROGRESS", "SINCE"};

    private final Map<String, long[]> previous = new HashMap<>();

    /** Renders {@code report}; remembers its byte counts for the rates of the next call. */
    public String render(StatusReport report) {
        StringBuilder out = new StringBuilder();
        boolean ready = report.checks().stream().allMatch(CheckResult::up);
        out.append("Vaultgate ").append(report.version()).append(" · ").append(ready ? "ready" : "NOT READY")
                .append(" · up ").append(since(Duration.between(report.startedAt(), report.now())))
                .append(" · ").append(report.now()).append('\n');
        if (report.view() != OpsRole.ADMINISTRATOR) {
            out.append("monitor's view: file paths and login names are hidden; an administrator's token shows them\n");
        }
        List<String> checks = new ArrayList<>();
        for (CheckResult check : report.checks()) {
            checks.add(check.name() + (check.up() ? " up" : " DOWN"));
        }
        out.append("checks: ").append(String.join(", ", checks)).append('\n');
        for (CheckResult check : report.checks()) {
            if (!check.up()) {
                out.append("  ").append(check.name()).append(": ").append(check.detail()).append('\n');
            }
        }
        out.append("uploads in flight: ").append(report.activeUploads());
        report.connections().forEach((protocol, open) -> out.append(" · ").append(protocol).append(" connections: ")
                .append(open));
        out.append('\n');
        for (String alert : report.alerts()) {
            out.append("ALERT ").append(alert).append('\n');
        }
        out.append('\n').append(transfers(report));
        if (!report.forwarding().isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"SITE", "PENDING", "IN FLIGHT", "DEAD", "OLDEST"});
            for (SiteQueue site : report.forwarding()) {
                rows.add(new String[] {site.site(), String.valueOf(site.pending()), String.valueOf(site.inFlight()),
                        String.valueOf(site.dead()), since(Duration.ofSeconds((long) site.oldestSeconds()))});
            }
            out.append('\n').append("Forwarding\n").append(table(rows));
        }
        if (!report.recentFailures().isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"", "TENANT", "WHO", "PROTOCOL", "PATH", "BYTES", "FAILED"});
            for (FailedTransfer failed : report.recentFailures()) {
                TransferSnapshot t = failed.transfer();
                rows.add(new String[] {t.direction().equals("out") ? "↓" : "↑", t.tenant(), t.principal(),
                        t.protocol(), t.path(), bytes(t.offset() + t.bytes()),
                        since(Duration.between(failed.failedAt(), report.now())) + " ago"});
            }
            out.append('\n').append("Recent failures\n").append(table(rows));
        }
        return out.toString();
    }

    private String transfers(StatusReport report) {
        if (report.transfers().isEmpty()) {
            previous.clear();
            return "No transfer in progress.\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        Map<String, long[]> seen = new HashMap<>();
        for (TransferSnapshot t : report.transfers()) {
            long nowMillis = report.now().toEpochMilli();
            seen.put(t.transferId(), new long[] {t.bytes(), nowMillis});
            rows.add(new String[] {t.direction().equals("out") ? "↓" : "↑", t.tenant(), t.principal(), t.protocol(),
                    t.path(), bytes(t.offset() + t.bytes()), bytes(rate(t, nowMillis)) + "/s", bar(t, report),
                    since(Duration.between(t.startedAt(), report.now()))});
        }
        previous.clear();
        previous.putAll(seen);
        return table(rows);
    }

    private long rate(TransferSnapshot t, long nowMillis) {
        long[] last = previous.get(t.transferId());
        if (last != null && nowMillis > last[1]) {
            return Math.max(0, (t.bytes() - last[0]) * 1000 / (nowMillis - last[1]));
        }
        long elapsed = nowMillis - t.startedAt().toEpochMilli();
        return elapsed > 0 ? t.bytes() * 1000 / elapsed : 0;
    }

    /** {@code [#########-----------]  45%} when the size is known, else a moving marker. */
    static String bar(TransferSnapshot t, StatusReport report) {
        if (t.size() > 0) {
            long done = Math.min(t.size(), t.offset() + t.bytes());
            int filled = (int) (done * BAR / t.size());
            return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] "
                    + String.format(Locale.ROOT, "%3d%%", done * 100 / t.size());
        }
        int position = (int) (report.now().getEpochSecond() % (BAR - 2));
        return "[" + " ".repeat(position) + "<=>" + " ".repeat(BAR - 3 - position) + "]  ...";
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String since(Duration elapsed) {
        long seconds = Math.max(0, elapsed.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        return seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i])).append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
