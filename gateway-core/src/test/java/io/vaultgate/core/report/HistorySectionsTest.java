package io.vaultgate.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class HistorySectionsTest {

    @Test
    void aLapsedLease_isListedAsOperatorAccess_underTheOperatorThatLostTheBatch() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(7, Instant.parse("2026-11-02T10:00:00Z"), "batch.released", "system",
                Map.of("batch", "b_1", "site", "lyon", "holder", "maria", "reason", "lease expired")));

        assertThat(sections.operatorAccess).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("operator", "maria").containsEntry("action", "batch.released (lease expired)")
                .containsEntry("batch", "b_1").containsEntry("site", "lyon"));
    }

    @Test
    void aBatchReleasedWhenItsOperatorWasRemoved_saysSo_notThatTheLeaseExpired() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(8, Instant.parse("2026-11-02T10:00:00Z"), "batch.released",
                "cli:root", Map.of("batch", "b_1", "site", "lyon", "holder", "maria", "reason",
                "operator removed")));

        assertThat(sections.operatorAccess).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("operator", "maria")
                .containsEntry("action", "batch.released (operator removed)"));
    }

    @Test
    void workAbandonedWhenItsSiteWasRemoved_isListed_withTheFixedReason() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(10, Instant.parse("2026-11-02T10:00:00Z"), "batch.abandoned",
                "cli:root", Map.of("batch", "b_1", "site", "lyon", "state", "READY", "files", 2L, "reason",
                "site removed")));
        sections.accept(new TenantHistory.Event(11, Instant.parse("2026-11-02T10:00:00Z"), "forward.abandoned",
                "cli:root", Map.of("job", "fw_1", "file", "f_1", "site", "lyon", "state", "PENDING", "reason",
                "site removed")));

        assertThat(sections.operatorAccess).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("action", "batch.abandoned (site removed)").containsEntry("batch", "b_1")
                .containsEntry("site", "lyon"));
        assertThat(sections.forwards).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("action", "forward.abandoned (site removed)").containsEntry("file", "f_1")
                .containsEntry("site", "lyon"));
    }

    @Test
    void aRouteChangedOnTheTenant_isListedWithTheTenantsChanges_namingWhoAndWhere() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(12, Instant.parse("2026-11-02T10:00:00Z"), "admin.change",
                "cli:root", Map.of("action", "ROUTE_CHANGED", "subject", "r_1 -> lyon")));
        sections.accept(new TenantHistory.Event(13, Instant.parse("2026-11-03T10:00:00Z"), "admin.change",
                "cli:root", Map.of("action", "ROUTE_CHANGED", "subject", "r_1 removed (was -> lyon)")));

        assertThat(sections.tenantChanges).extracting(row -> row.get("actor") + " " + row.get("subject"))
                .containsExactly("cli:root r_1 -> lyon", "cli:root r_1 removed (was -> lyon)");
    }

    @Test
    void anOperatorsRead_isOneRow_withItsBytes_orMarkedCutOffWhenItsEndWasNeverRecorded() {
        HistorySections sections = new HistorySections(actor -> actor.equals("maria"));

        sections.accept(read(20, "file.download_started", "f_1", Map.of("offset", 0L)));
        sections.accept(read(21, "file.download_started", "f_2", Map.of("offset", 0L)));
        sections.accept(read(22, "file.download_started", "f_1", Map.of("offset", 0L)));
        sections.accept(read(23, "file.downloaded", "f_1", Map.of("bytes", 42L)));
        sections.accept(new TenantHistory.Event(24, Instant.parse("2026-11-02T10:00:00Z"), "file.download_started",
                "acme-upload", Map.of("file", "f_3", "path", "/inbox/f_3", "offset", 0L)));

        assertThat(sections.operatorAccess).extracting(row -> row.get("seq") + " " + row.get("file") + " "
                + row.get("action")).containsExactly(
                "21 f_2 file.download_started (no end recorded: the read was cut off)",
                "22 f_1 file.download_started (no end recorded: the read was cut off)",
                "23 f_1 file.downloaded");
        assertThat(sections.operatorAccess.get(2)).containsEntry("bytes", 42L);
    }

    private static TenantHistory.Event read(long seq, String kind, String file, Map<String, Object> detail) {
        Map<String, Object> details = new java.util.HashMap<>(detail);
        details.put("file", file);
        details.put("path", "/inbox/" + file);
        return new TenantHistory.Event(seq, Instant.parse("2026-11-02T10:00:00Z"), kind, "maria", details);
    }

    @Test
    void aSessionEndedByTheSessionCheck_isListedBesideTheFailedLogins_withItsReason() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(12, Instant.parse("2026-11-02T10:00:00Z"), "auth.failed",
                "acme-upload", Map.of("protocol", "SFTP", "source", "203.0.113.9", "reason", "BAD_CREDENTIAL")));
        sections.accept(new TenantHistory.Event(13, Instant.parse("2026-11-02T11:00:00Z"), "session.ended",
                "acme-upload", Map.of("protocol", "HTTPS", "source", "198.51.100.7", "reason", "account expired")));

        assertThat(sections.failedAccess).hasSize(2).last().satisfies(row -> assertThat(row)
                .containsEntry("seq", 13L).containsEntry("actor", "acme-upload")
                .containsEntry("action", "session.ended").containsEntry("protocol", "HTTPS")
                .containsEntry("source", "198.51.100.7").containsEntry("reason", "account expired"));
        assertThat(sections.failedAccess.get(0)).as("a refused login, as before").doesNotContainKey("action");
    }

    @Test
    void aReadRefusedAfterTheLeaseEnded_isListedAsOperatorAccess() {
        HistorySections sections = new HistorySections(actor -> false);

        sections.accept(new TenantHistory.Event(9, Instant.parse("2026-11-02T10:00:00Z"), "batch.access_ended",
                "maria", Map.of("batch", "b_1", "file", "f_1", "path", "/inbox/a.csv", "reason",
                "the batch was completed")));

        assertThat(sections.operatorAccess).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("operator", "maria").containsEntry("action", "batch.access_ended (the batch was completed)")
                .containsEntry("file", "f_1").containsEntry("path", "/inbox/a.csv"));
    }
}
