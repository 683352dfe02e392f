package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CheckResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A monitor's {@code /status.json} says which readiness check is down but not why: the reason names the object
 * store's directory, the catalog file or the PostgreSQL host. The administrator's report keeps it.
 */
class MonitorViewChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aDownChecksReason_isHiddenFromAMonitor_andKeptForTheAdministrator() {
        List<CheckResult> checks = List.of(
                CheckResult.up("catalog"),
                CheckResult.down("store", "the object store directory /srv/vaultgate/objects is not writable"),
                CheckResult.down("catalog-db", "cannot reach db.internal.example:5432: Connection refused"));
        List<String> alerts = new java.util.ArrayList<>(checks.stream().filter(check -> !check.up())
                .map(RegistryStatus::notReady).toList());
        alerts.add("tenant acme: 93% of its quota used");
        StatusReport full = new StatusReport("1.0", NOW, NOW, 0, java.util.Map.of(), List.of(), List.of(), List.of(),
                alerts, checks, OpsRole.ADMINISTRATOR);

        StatusReport monitor = MonitorView.of(full);

        assertThat(monitor.checks()).extracting(CheckResult::name, CheckResult::up).containsExactly(
                org.assertj.core.groups.Tuple.tuple("catalog", true),
                org.assertj.core.groups.Tuple.tuple("store", false),
                org.assertj.core.groups.Tuple.tuple("catalog-db", false));
        assertThat(monitor.checks().get(0).detail()).isEqualTo("ok");
        assertThat(monitor.checks().subList(1, 3)).allSatisfy(check -> assertThat(check.detail())
                .isEqualTo(MonitorView.CHECK_HIDDEN).doesNotContain("/srv").doesNotContain("db.internal"));
        assertThat(full.checks().get(1).detail()).contains("/srv/vaultgate/objects");
        assertThat(monitor.alerts()).as("the down checks' alerts, then the rest as they are").containsExactly(
                "not ready: store: " + MonitorView.CHECK_HIDDEN, "not ready: catalog-db: " + MonitorView.CHECK_HIDDEN,
                "tenant acme: 93% of its quota used");
        assertThat(full.alerts().get(0)).contains("/srv/vaultgate/objects");
    }
}
