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
