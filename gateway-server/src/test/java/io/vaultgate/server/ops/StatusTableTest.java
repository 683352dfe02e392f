package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    private static final Instant NOW = Instant.parse("2026-11-28T19:30:00Z");

    @Test
    void downloadOfKnownSize_showsAFilledBarAndItsPercentage() {
        TransferSnapshot download = transfer("out", 0, 450, 1000);

        String text = new StatusTable().render(report(List.of(download), List.of(CheckResult.up("catalog"))));

        assertThat(text).contains("[#########-----------]  45%", "↓", "acme", "alice", "/inbox/a.bin");
    }

    @Test
    void uploadOfUnknownSize_showsAnIndeterminateBar_withTheBytesReceivedAndTheAverageRate() {
        TransferSnapshot upload = transfer("in", 0, 10 * 1024 * 1024, -1);

        String text = new StatusTable().render(report(List.of(upload), List.of()));

        assertThat(text).contains("<=>", "10.0 MiB", "1.0 MiB/s", "↑");
    }

    @Test
    void secondRender_ratesFromTheDifferenceSinceThePreviousReport() {
        StatusTable table = new StatusTable();
        table.render(report(List.of(transfer("in", 0, 1024, -1)), List.of()));
        StatusReport later = new StatusReport("1.0", NOW.plusSeconds(2), NOW.minusSeconds(60), 1,
                List.of(transfer("in", 0, 1024 + 4 * 1024 * 1024, -1)), List.of());

        assertThat(table.render(later)).contains("2.0 MiB/s");
    }

    @Test
    void failedCheck_marksTheGatewayNotReady_andSaysWhy() {
        String text = new StatusTable().render(report(List.of(),
                List.of(CheckResult.up("catalog"), CheckResult.down("store", "disk full"))));

        assertThat(text).contains("NOT READY", "store DOWN", "store: disk full", "No transfer in progress.");
    }

    @Test
    void resumedUpload_countsTheBytesStoredBeforeTheResume() {
        String text = new StatusTable().render(report(List.of(transfer("in", 2048, 1024, -1)), List.of()));

        assertThat(text).contains("3.0 KiB");
    }

    @Test
    void alertsForwardingAndRecentFailures_areListed() {
        StatusReport report = new StatusReport("1.0", NOW, NOW.minusSeconds(60), 0, Map.of("sftp", 2), List.of(),
                List.of(new SiteQueue("manila", 12, 1, 3, 4000)),
                List.of(new FailedTransfer(transfer("in", 0, 5000, -1), NOW.minusSeconds(30))),
                List.of("site manila: 3 forward jobs dead (vaultgate forward retry)"), List.of(CheckResult.up("catalog")),
                OpsRole.ADMINISTRATOR);

        String text = new StatusTable().render(report);

        assertThat(text).contains("ALERT site manila: 3 forward jobs dead", "sftp connections: 2", "Forwarding",
                "manila", "12", "66 min", "Recent failures", "/inbox/a.bin", "30 s ago");
        assertThat(text).doesNotContain("monitor's view");
    }

    @Test
    void aMonitorsReport_saysPathsAndLoginNamesAreHidden_andKeepsTheFigures() {
        StatusReport full = new StatusReport("1.0", NOW, NOW.minusSeconds(60), 1, Map.of(),
                List.of(transfer("in", 2048, 1024, -1)), List.of(),
                List.of(new FailedTransfer(transfer("out", 0, 5000, 9000), NOW.minusSeconds(30))), List.of(),
                List.of(CheckResult.up("catalog")), OpsRole.ADMINISTRATOR);

        String text = new StatusTable().render(MonitorView.of(full));

        assertThat(text).contains("monitor's view: file paths and login names are hidden", "acme", "sftp", "3.0 KiB",
                "4.9 KiB", "30 s ago", MonitorView.HIDDEN);
        assertThat(text).doesNotContain("alice", "/inbox/a.bin");
    }

    private static TransferSnapshot transfer(String direction, long offset, long bytes, long size) {
        return new TransferSnapshot("f_1", "acme", "alice", "sftp", direction, "/inbox/a.bin", NOW.minusSeconds(10),
                offset, bytes, size);
    }

    private static StatusReport report(List<TransferSnapshot> transfers, List<CheckResult> checks) {
        return new StatusReport("1.0", NOW, NOW.minusSeconds(60), transfers.size(), transfers, checks);
    }
}
