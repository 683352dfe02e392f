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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export's period and span are the gateway's signed word: whoever holds the file cannot move its start or
 * end to drop the tenant's records (the security review's forgery verified even with the tenant's tag key), and
 * every record shown as in the period happened in it.
 */
class ExportSpanTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path dir;
    private AuditFixture audit;

    @BeforeEach
    void twentyRecordsOfTwoTenants_checkpointsAt1And11() {
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20); // odd seq: acme, even seq: globex; record n at T0 + (n-1) s
        audit.log.checkpointNow(); // and at 20
    }

    @Test
    void startMovedForward_toDropTheTenantsFirstRecords_failsTheHeaderSignature_evenWithTheTagKey() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(10)), true); // records 1..11
        List<String> lines = export.lines().toList();
        String forged = header(lines, header -> header.put("first_seq", 11L)) + "\n" + lines.stream()
                .filter(line -> line.contains("\"seq\":11,")).collect(Collectors.joining("\n"));

        ExportReport report = audit.exportVerifier(true, false).verify(reader(forged));

        assertThat(report.problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.SPAN);
        assertThat(report.problem().get().reason()).contains("signature does not verify");
        assertThat(audit.exportVerifier(true, false).verify(reader(export)).ok()).as("the export as written").isTrue();
    }

    @Test
    void endedEarly_atAnEarlierCheckpoint_failsTheHeaderSignature() throws IOException {
        List<String> lines = audit.export(acme(T0, T0.plusSeconds(20)), true).lines().toList(); // records 1..20
        int cut = lines.indexOf(lines.stream().filter(line -> line.startsWith("{\"hash\"") && line.contains(
                "\"seq\":11,") && line.contains("\"type\":\"checkpoint\"")).findFirst().orElseThrow());
        String forged = header(lines, header -> header.put("last_seq", 11L)) + "\n"
                + String.join("\n", lines.subList(1, cut + 1));

        assertThat(audit.exportVerifier(true, false).verify(reader(forged)).problem()).get()
                .extracting(AuditProblem::kind)
                .isEqualTo(Kind.SPAN);
    }

    @Test
    void periodTenantOrLastHashChangedInTheHeader_failsItsSignature() throws IOException {
        List<String> lines = audit.export(acme(T0, T0.plusSeconds(10)), true).lines().toList();
        for (UnaryOperator<Map<String, Object>> change : List.<UnaryOperator<Map<String, Object>>>of(
                h -> put(h, "since", T0.minusSeconds(3600).toString()),
                h -> put(h, "until", T0.plusSeconds(3600).toString()),
                h -> put(h, "tenant", "globex"),
                h -> put(h, "last_hash", ChainHash.GENESIS))) {
            String forged = header(lines, change::apply) + "\n" + String.join("\n", lines.subList(1, lines.size()));
            assertThat(audit.exportVerifier(false, false).verify(reader(forged)).problem()).get()
                    .extracting(AuditProblem::kind)
                    .isEqualTo(Kind.SPAN);
        }
    }

    @Test
    void aRecordShownInThePeriod_mustHaveHappenedInIt_andOneShownOutside_outsideIt() throws IOException {
        String export = audit.export(acme(T0, T0.plusSeconds(10)), true);
        assertThat(export).contains("\"type\":\"outside\""); // record 11, at T0 + 10 s = until
        String outsideAsEvent = export.replace("\"type\":\"outside\"", "\"type\":\"event\"");
        assertThat(audit.exportVerifier(true, false).verify(reader(outsideAsEvent)).problem()).get()
                .extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(11L, Kind.SPAN);
        String eventAsOutside = export.lines().map(line -> line.contains("\"seq\":3,") && line.contains("\"type\":\"event\"")
                ? line.replace("\"type\":\"event\"", "\"type\":\"outside\"") : line).collect(Collectors.joining("\n"));
        assertThat(audit.exportVerifier(true, false).verify(reader(eventAsOutside)).problem()).get()
                .extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(3L, Kind.SPAN);
    }

    @Test
    void anExportWrittenWithoutTheSigningKey_isRefused_unlessAcceptedKnowingly() throws IOException {
        String unsigned = audit.export(acme(T0, T0.plusSeconds(10)), false);
        assertThat(unsigned.lines().findFirst().orElseThrow()).contains("\"signature\":null");

        ExportReport refused = audit.exportVerifier(true, false).verify(reader(unsigned));
        assertThat(refused.problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.SPAN);
        assertThat(refused.problem().get().reason()).contains("not signed");

        ExportReport accepted = audit.exportVerifier(true, true).verify(reader(unsigned));
        assertThat(accepted.ok()).as(accepted.summary()).isTrue();
        assertThat(accepted.headerSigned()).isFalse();
        assertThat(accepted.summary()).contains("WARNING: the header is not signed");
    }

    @Test
    void anOlderGatewaysV1Export_verifiesOnlyWhenAccepted_withAWarning() throws IOException {
        List<String> lines = audit.export(acme(T0, T0.plusSeconds(10)), false).lines().toList();
        String v1 = header(lines, header -> {
            header.put("format", "vaultgate.audit.export.v1");
            header.remove("key");
            header.remove("signature");
        }) + "\n" + lines.subList(1, lines.size()).stream()
                .map(line -> line.replace("\"type\":\"outside\"", "\"type\":\"event\"")) // v1 showed them as events
                .collect(Collectors.joining("\n"));

        assertThat(audit.exportVerifier(true, false).verify(reader(v1)).problem()).get().extracting(AuditProblem::kind)
                .isEqualTo(Kind.SPAN);
        ExportReport accepted = audit.exportVerifier(true, true).verify(reader(v1));
        assertThat(accepted.ok()).as(accepted.summary()).isTrue();
        assertThat(accepted.summary()).contains("WARNING");
    }

    @Test
    void theHeaderSignature_isDomainSeparated_fromCheckpointSignatures() throws IOException {
        List<String> lines = audit.export(acme(T0, T0.plusSeconds(10)), true).lines().toList();
        Map<String, Object> header = JsonReader.parseObject(lines.get(0));
        assertThat(new String(ExportFormat.signedHeaderBytes(header), StandardCharsets.UTF_8))
                .startsWith("vaultgate-audit-export-v3\n{");
        Map<String, Object> checkpoint = JsonReader.parseObject(lines.stream()
                .filter(line -> line.contains("\"type\":\"checkpoint\"")).findFirst().orElseThrow());
        byte[] headerSignature = Base64.getDecoder().decode((String) header.get("signature"));
        assertThat(audit.key.publicKey().verify(Checkpoint.fromJson(checkpoint).signedBytes(), headerSignature)).isFalse();
        String withACheckpointsSignature = header(lines, h -> h.put("signature", checkpoint.get("signature")))
                + "\n" + String.join("\n", lines.subList(1, lines.size()));
        assertThat(audit.exportVerifier(false, false).verify(reader(withACheckpointsSignature)).problem()).get()
                .extracting(AuditProblem::kind).isEqualTo(Kind.SPAN);
    }

    /** The first line, changed by {@code change}, as canonical JSON. */
    private static String header(List<String> lines, java.util.function.Consumer<Map<String, Object>> change) {
        Map<String, Object> header = new LinkedHashMap<>(JsonReader.parseObject(lines.get(0)));
        change.accept(header);
        return CanonicalJson.text(header);
    }

    private static Map<String, Object> put(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    private static BufferedReader reader(String text) {
        return new BufferedReader(new StringReader(text));
    }
}
