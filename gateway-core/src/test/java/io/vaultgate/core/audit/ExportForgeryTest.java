package io.vaultgate.core.audit;

import static io.vaultgate.core.audit.AuditFixture.acme;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.tenant.TenantId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever holds an export cannot remove its checkpoint lines and rewrite the records they covered: the signed header
 * fixes the hash of the last record ({@code last_hash}), which every record of the span feeds into (the review's
 * forgeries, accepted before with exit code 0). An export whose header does not sign that hash (format v2 of older
 * gateways, or an unsigned header) passes only if a checkpoint in it covers its last record.
 */
class ExportForgeryTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path dir;
    private AuditFixture audit;

    @BeforeEach
    void twentyRecordsOfTwoTenants_checkpointsAt1_11And20() {
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20); // odd seq: acme, even seq: globex; record n at T0 + (n-1) s
        audit.log.checkpointNow();
    }

    @Test
    void closingCheckpointRemoved_andTheRecordsAfterTheLastOneLeftRewritten_isRefused() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(20)), true); // records 1..20, checkpoints 1, 11, 20
        String forged = rewrite(export, seq -> seq == 20, 19, json -> {
            event(json).put("size", 999999L);
            event(json).put("path", "/inbox/forged.csv");
        });
        assertThat(forged).contains("/inbox/forged.csv");
        assertThat(forged.lines()).filteredOn(line -> line.contains("\"type\":\"checkpoint\""))
                .noneMatch(line -> line.contains("\"seq\":20,")).hasSize(2);

        ExportReport report = audit.exportVerifier(true, false).verify(reader(forged));

        assertThat(report.ok()).as(report.summary()).isFalse();
        assertThat(report.problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(12L, Kind.REWRITTEN);
        assertThat(report.problem().get().reason()).contains("last_hash", "records 12..20");
        assertThat(audit.exportVerifier(true, false).verify(reader(export)).ok()).as("the export as written").isTrue();
    }

    @Test
    void everyCheckpointRemoved_andAnEarlyRecordRewritten_isRefused() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(20)), true);
        String forged = rewrite(export, seq -> true, 3, json -> event(json).put("path", "/inbox/forged.csv"));
        assertThat(forged).doesNotContain("\"type\":\"checkpoint\"");

        ExportReport report = audit.exportVerifier(true, false).verify(reader(forged));

        assertThat(report.ok()).as(report.summary()).isFalse();
        assertThat(report.problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(1L, Kind.REWRITTEN);
    }

    @Test
    void checkpointLinesRemoved_butNothingChanged_stillVerify_signedByTheHeader() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(20)), true);
        String withoutCheckpoints = rewrite(export, seq -> true, 0, json -> { });

        ExportReport report = audit.exportVerifier(true, false).verify(reader(withoutCheckpoints));

        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.fullySigned()).isTrue();
        assertThat(report.summary()).contains("records 1..20 covered by the header's signature (its last_hash)");
    }

    @Test
    void anExportEndingAfterTheLastCheckpoint_isSignedToItsEndByTheHeader_andItsTailCannotBeRewritten()
            throws IOException {
        audit.appendUploads(2); // records 21 (acme) and 22, after the checkpoint at 20
        String export = audit.export(acme(T0, T0.plusSeconds(30)), true); // up to the head, 22: no checkpoint closes it

        ExportReport report = audit.exportVerifier(true, false).verify(reader(export));
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.lastCheckpointSeq()).isEqualTo(20);
        assertThat(report.fullySigned()).isTrue();
        assertThat(report.summary()).contains("records 21..22 covered by the header's signature");

        String forged = rewrite(export, seq -> false, 21, json -> event(json).put("size", 1L));
        assertThat(audit.exportVerifier(true, false).verify(reader(forged)).problem()).get()
                .extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(21L, Kind.REWRITTEN);
    }

    @Test
    void anOlderGatewaysV2Export_verifiesOnlyIfACheckpointCoversItsEnd() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(20)), true);
        String v2 = asV2(export);
        ExportReport covered = audit.exportVerifier(true, false).verify(reader(v2));
        assertThat(covered.ok()).as(covered.summary()).isTrue();
        assertThat(covered.summary()).contains("all covered by a valid signed checkpoint");

        String forged = asV2(rewrite(export, seq -> seq == 20, 19, json -> event(json).put("size", 999999L)));
        ExportReport refused = audit.exportVerifier(true, false).verify(reader(forged));
        assertThat(refused.problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(12L, Kind.UNSIGNED);
        assertThat(refused.problem().get().reason()).contains("records 12..20 are covered by no checkpoint",
                "format vaultgate.audit.export.v2");
    }

    @Test
    void anUnsignedHeader_acceptedKnowingly_stillNeedsACheckpointOverItsEnd() throws IOException {
        String covered = audit.export(acme(T0, T0.plusSeconds(20)), false);
        assertThat(audit.exportVerifier(true, true).verify(reader(covered)).ok()).isTrue();

        String forged = rewrite(covered, seq -> seq == 20, 19, json -> event(json).put("size", 999999L));
        ExportReport refused = audit.exportVerifier(true, true).verify(reader(forged));
        assertThat(refused.problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(12L, Kind.UNSIGNED);
        assertThat(refused.problem().get().reason()).contains("its header is not signed", "with the signing key");
    }

    @Test
    void theHeaderSignsTheHashOfTheLastRecord_theGenesisHashForAnEmptyExport() throws IOException {
        Map<String, Object> header = JsonReader.parseObject(audit.export(acme(T0, T0.plusSeconds(10)), true).lines()
                .findFirst().orElseThrow());
        assertThat(header).containsEntry("format", "vaultgate.audit.export.v3").containsEntry("last_seq", 11L)
                .containsEntry("last_hash", audit.column("hash", 11));
        Map<String, Object> empty = JsonReader.parseObject(audit.export(new ExportFilter(T0, T0.plusSeconds(60),
                Optional.of(TenantId.of("initech")), Optional.empty()), true).lines().findFirst().orElseThrow());
        assertThat(empty).containsEntry("last_seq", 0L).containsEntry("last_hash", ChainHash.GENESIS);

        List<String> lines = audit.export(acme(T0, T0.plusSeconds(10)), true).lines().toList();
        Map<String, Object> changed = new LinkedHashMap<>(JsonReader.parseObject(lines.get(0)));
        changed.put("last_hash", audit.column("hash", 10));
        String forged = CanonicalJson.text(changed) + "\n" + String.join("\n", lines.subList(1, lines.size()));
        assertThat(audit.exportVerifier(true, false).verify(reader(forged)).problem()).get()
                .extracting(AuditProblem::kind)
                .isEqualTo(Kind.SPAN);
    }

    /**
     * The export with the checkpoint lines {@code dropCheckpoint} selects removed, record {@code changedSeq} changed
     * by {@code change} (none if 0), and every record from it on re-linked and re-hashed as a forger would.
     */
    private static String rewrite(String export, LongPredicate dropCheckpoint, long changedSeq,
                                  Consumer<Map<String, Object>> change) {
        List<String> out = new ArrayList<>();
        String prev = null;
        for (String line : export.lines().toList()) {
            Map<String, Object> json = new LinkedHashMap<>(JsonReader.parseObject(line));
            Object type = json.get("type");
            if (type.equals("header")) {
                out.add(line);
                continue;
            }
            long seq = (Long) json.get("seq");
            if (type.equals("checkpoint")) {
                if (!dropCheckpoint.test(seq)) {
                    out.add(line);
                }
                continue;
            }
            if (changedSeq == 0 || seq < changedSeq) {
                out.add(line);
                prev = (String) json.get("hash");
                continue;
            }
            if (seq == changedSeq) {
                json.put("event", new LinkedHashMap<>(event(json)));
                change.accept(json);
            }
            boolean omitted = type.equals("omitted");
            String digest = omitted ? (String) json.get("digest") : ExportFormat.digestOf(json);
            String link = prev == null ? ChainHash.GENESIS : prev;
            json.put("prev_hash", link);
            json.put("hash", ChainHash.link(link, seq, (String) json.get("tag"), digest));
            prev = (String) json.get("hash");
            out.add(CanonicalJson.text(json));
        }
        return String.join("\n", out) + "\n";
    }

    /** {@code export} as an older gateway wrote it: format v2, no last_hash, signed after the v2 domain prefix. */
    private String asV2(String export) {
        List<String> lines = export.lines().toList();
        Map<String, Object> header = new LinkedHashMap<>(JsonReader.parseObject(lines.get(0)));
        header.put("format", "vaultgate.audit.export.v2");
        header.remove("last_hash");
        header.put("signature", null);
        header.put("signature", Base64.getEncoder().encodeToString(audit.key.sign(ExportFormat.signedHeaderBytes(header))));
        return CanonicalJson.text(header) + "\n" + String.join("\n", lines.subList(1, lines.size())) + "\n";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> event(Map<String, Object> line) {
        return (Map<String, Object>) line.get("event");
    }

    private static BufferedReader reader(String text) {
        return new BufferedReader(new StringReader(text));
    }
}
