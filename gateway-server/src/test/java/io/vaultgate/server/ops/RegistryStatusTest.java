package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.metrics.CheckResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryStatusTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void forwarding_groupsTheOutboxGaugesBySite() {
        gauge("vaultgate.forward.queue", 7, "site", "manila", "state", "pending");
        gauge("vaultgate.forward.queue", 2, "site", "manila", "state", "dead");
        gauge("vaultgate.forward.queue", 1, "site", "cebu", "state", "in_flight");
        gauge("vaultgate.forward.oldest", 90, "site", "manila");

        assertThat(new RegistryStatus(registry).forwarding()).containsExactly(
                new SiteQueue("cebu", 0, 1, 0, 0), new SiteQueue("manila", 7, 0, 2, 90));
    }

    @Test
    void alerts_nameWhatTheAlertRulesWouldFireOn_andNothingWhenAllIsWell() {
        RegistryStatus status = new RegistryStatus(registry);
        assertThat(status.alerts(List.of(CheckResult.up("catalog")), List.of())).isEmpty();

        gauge("vaultgate.certificate.expiry", 10 * RegistryStatus.DAY, "certificate", "site:manila:client");
        gauge("vaultgate.certificate.expiry", 300 * RegistryStatus.DAY, "certificate", "https");
        gauge("vaultgate.tenant.key.age", 400 * RegistryStatus.DAY, "tenant", "acme");
        gauge("vaultgate.tenant.quota.usage", 0.95, "tenant", "globex");
        gauge("vaultgate.storage.usable", 5, new String[0]);
        gauge("vaultgate.storage.total", 100, new String[0]);

        assertThat(status.alerts(List.of(CheckResult.down("store", "disk full")),
                List.of(new SiteQueue("manila", 3, 0, 2, 7200)))).containsExactlyInAnyOrder(
                "not ready: store: disk full",
                "site manila: 2 forward jobs dead (vaultgate forward retry)",
                "site manila: a file has waited 2.0 h to be delivered",
                "certificate site:manila:client expires in 10 days",
                "tenant acme: key not rotated for 400 days",
                "tenant globex: 95% of its quota used",
                "storage: only 5% of the store's disk is free");
    }

    @Test
    void alerts_nameANodeClockMoreThanFiveSecondsOffTheCatalogs() {
        RegistryStatus status = new RegistryStatus(registry);
        double[] offset = {4.9};
        Gauge.builder("vaultgate.clock.offset", () -> offset[0]).register(registry);
        assertThat(status.alerts(List.of(), List.of())).as("corrected, within the warning").isEmpty();

        offset[0] = -7.5;
        assertThat(status.alerts(List.of(), List.of())).containsExactly("clock: this node's clock is 7.5 s ahead of "
                + "the catalog's; it runs on the catalog's time, fix its time synchronization");

        offset[0] = 12;
        assertThat(status.alerts(List.of(), List.of())).singleElement().asString()
                .startsWith("clock: this node's clock is 12.0 s behind the catalog's");
    }

    @Test
    void connections_listTheFrontEndsThatPublishThem() {
        gauge("vaultgate.sftp.connections.open", 3, new String[0]);

        assertThat(new RegistryStatus(registry).connections()).containsExactly(java.util.Map.entry("sftp", 3));
    }

    private void gauge(String name, double value, String... tags) {
        Gauge.builder(name, () -> value).tags(tags).register(registry);
    }
}
