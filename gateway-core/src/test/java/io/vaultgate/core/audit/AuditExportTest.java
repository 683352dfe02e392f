package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.tenant.TenantId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditExportTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;
    private AuditFixture audit;

    @BeforeEach
    void twentyRecordsOfTwoTenants_checkpointsAt1And11() {
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20); // odd seq: acme, even seq: globex; record n at T0 + (n-1) s
    }

    private String export(ExportFilter filter) throws IOException {
        StringWriter out = new StringWriter();
        new AuditExporter(audit.database, audit.clock, Optional.of(audit.key)).export(filter, out);
        return out.toString();
    }

    private static ExportFilter acmeFirstTenSeconds() {
        return new ExportFilter(T0, T0.plusSeconds(10), Optional.of(TenantId.of("acme")), Optional.empty());
    }

    private ExportReport verify(String export) throws IOException {
        return new ExportVerifier(audit.key.publicKey()).verify(new BufferedReader(new StringReader(export)));
    }

    @Test
    void tenantExport_showsItsEvents_omitsOthersByDigest_andVerifiesToTheClosingCheckpoint() throws IOException {
        String export = export(acmeFirstTenSeconds());
        List<String> lines = export.lines().toList();
        assertThat(lines.get(0)).startsWith("{\"actor\":null,").contains("\"first_seq\":1", "\"last_seq\":11",
                "\"format\":\"vaultgate.audit.export.v3\"", "\"tenant\":\"acme\"", "\"key\":\"" + audit.key.keyId());
        assertThat(lines).filteredOn(line -> line.contains("\"type\":\"event\"")).hasSize(5);
        assertThat(lines).as("record 11, acme's, at the period's end, up to the closing checkpoint")
                .filteredOn(line -> line.contains("\"type\":\"outside\"")).singleElement().asString()
                .contains("\"seq\":11,");
        assertThat(lines).filteredOn(line -> line.contains("\"type\":\"omitted\"")).hasSize(5);
        assertThat(lines).filteredOn(line -> line.contains("\"type\":\"checkpoint\"")).hasSize(2);
        assertThat(export).doesNotContain("globex").doesNotContain("file-1.csv");

        ExportReport report = verify(export);
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.fullySigned()).isTrue();
        assertThat(report.summary()).isEqualTo("OK: records 1..11 (6 events shown, 5 omitted), 2 checkpoints, "
                + "all covered by a valid signed checkpoint");
    }

    @Test
    void exportOfTheTailAfterTheLastCheckpoint_isSignedByTheHeader_untilACheckpointIsSigned() throws IOException {
        ExportFilter lastFive = new ExportFilter(T0.plusSeconds(15), T0.plusSeconds(60), Optional.empty(), Optional.empty());
        ExportReport report = verify(export(lastFive));
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.checkpoints()).as("records 16..20: the next checkpoint is not signed yet").isZero();
        assertThat(report.fullySigned()).isTrue();
        assertThat(report.summary()).contains("records 16..20 covered by the header's signature (its last_hash), "
                + "not yet by a checkpoint");

        audit.log.checkpointNow();
        ExportReport signed = verify(export(lastFive));
        assertThat(signed.fullySigned()).as(signed.summary()).isTrue();
        assertThat(signed.summary()).contains("all covered by a valid signed checkpoint");
    }

    @Test
    void exportWithNothingInRange_isAnEmptyVerifiableExport() throws IOException {
        ExportFilter nobody = new ExportFilter(T0, T0.plusSeconds(60), Optional.of(TenantId.of("initech")), Optional.empty());
        ExportReport report = verify(export(nobody));
        assertThat(report.ok()).isTrue();
        assertThat(report.summary()).startsWith("OK: no records");
    }

    @Test
    void actorFilter_showsOnlyThatActor() throws IOException {
        String export = export(new ExportFilter(T0, T0.plusSeconds(60), Optional.empty(), Optional.of("globex-user")));
        assertThat(export.lines().filter(line -> line.contains("\"type\":\"event\""))).hasSize(10)
                .allMatch(line -> line.contains("\"actor\":\"globex-user\""));
        assertThat(verify(export).ok()).isTrue();
    }

    @Test
    void changedEventInAnExport_isFound() throws IOException {
        String export = export(acmeFirstTenSeconds()).replace("\"size\":40", "\"size\":41");
        assertThat(verify(export).problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(5L, Kind.CHANGED);
    }

    @Test
    void deletedLine_isFound() throws IOException {
        List<String> lines = new ArrayList<>(export(acmeFirstTenSeconds()).lines().toList());
        lines.removeIf(line -> line.contains("\"seq\":6,") && line.contains("omitted"));
        assertThat(verify(String.join("\n", lines)).problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(6L, Kind.MISSING);
    }

    @Test
    void truncatedExport_isFound() throws IOException {
        List<String> lines = export(acmeFirstTenSeconds()).lines().toList();
        String cut = String.join("\n", lines.subList(0, lines.size() - 3));
        assertThat(verify(cut).problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.TRUNCATED);
    }

    @Test
    void rewrittenRecordsWithRecomputedHashes_failTheSignedCheckpoint() throws IOException {
        audit.sql("UPDATE audit_events SET event = replace(event, 'file-2.csv', 'other.csv') WHERE seq = 3");
        audit.rehashFrom(3);
        ExportReport report = verify(export(acmeFirstTenSeconds()));
        assertThat(report.problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(2L, Kind.REWRITTEN);
    }

    @Test
    void forgedCheckpointSignature_andAnotherKey_areFound() throws IOException {
        String export = export(acmeFirstTenSeconds());
        String forged = Arrays.stream(export.split("\n")).map(line -> line.contains("\"type\":\"checkpoint\"")
                ? line.replaceFirst("\"signature\":\"[A-Za-z0-9+/]", "\"signature\":\"A") : line)
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        if (!forged.equals(export)) {
            assertThat(verify(forged).problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.FORGED_CHECKPOINT);
        }
        ExportReport otherKey = new ExportVerifier(AuditSigningKey.generate(new SecureRandom()).publicKey())
                .verify(new BufferedReader(new StringReader(export)));
        assertThat(otherKey.problem()).as("the header's signature is checked first").get()
                .extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(0L, Kind.UNKNOWN_KEY);
    }

    private ExportReport verifyAs(String tenant, String export) throws IOException {
        TenantTagKey tagKey = audit.log.tenantTagKey(Optional.of(TenantId.of(tenant)));
        return new ExportVerifier(audit.key.publicKey(), Optional.of(tagKey))
                .verify(new BufferedReader(new StringReader(export)));
    }

    @Test
    void withItsTagKey_theTenantConfirmsNoneOfItsRecordsWasOmitted() throws IOException {
        ExportReport report = verifyAs("acme", export(acmeFirstTenSeconds()));
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    @Test
    void ownRecordDisguisedAsOmitted_isFoundWithTheTenantsTagKey_thoughTheChainStillVerifies() throws IOException {
        String hidden = export(acmeFirstTenSeconds()).lines().map(line -> {
            Map<String, Object> json = JsonReader.parseObject(line);
            if (!"event".equals(json.get("type")) || (Long) json.get("seq") != 5L) {
                return line;
            }
            Map<String, Object> omitted = new LinkedHashMap<>();
            omitted.put("type", "omitted");
            omitted.put("seq", 5L);
            omitted.put("prev_hash", json.get("prev_hash"));
            omitted.put("tag", json.get("tag"));
            omitted.put("digest", ExportFormat.digestOf(json));
            omitted.put("hash", json.get("hash"));
            return CanonicalJson.text(omitted);
        }).collect(Collectors.joining("\n"));
        assertThat(verify(hidden).ok()).as("the chain alone cannot tell").isTrue();
        assertThat(verifyAs("acme", hidden).problem()).get().extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(5L, Kind.HIDDEN);
    }

    @Test
    void anotherTenantsTagKey_doesNotOwnTheEventsShown() throws IOException {
        assertThat(verifyAs("globex", export(acmeFirstTenSeconds())).problem()).get()
                .extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(1L, Kind.HIDDEN);
    }

    @Test
    void tagKeys_differPerTenant_areStableForAKey_andNeverPrinted() {
        TenantTagKey acme = audit.log.tenantTagKey(Optional.of(TenantId.of("acme")));
        assertThat(acme).isEqualTo(TenantTags.derivedFrom(audit.key).forTenant(Optional.of(TenantId.of("acme"))));
        assertThat(acme).isNotEqualTo(audit.log.tenantTagKey(Optional.of(TenantId.of("globex"))));
        assertThat(acme).isNotEqualTo(audit.log.tenantTagKey(Optional.empty()));
        assertThat(TenantTagKey.fromHex(acme.toHex())).isEqualTo(acme);
        assertThat(acme.toString()).doesNotContain(acme.toHex().substring(0, 8)).contains("redacted");
        assertThat(audit.column("tag", 3)).isEqualTo(acme.tag(3));
    }

    @Test
    void notAnExport_isMalformed() throws IOException {
        assertThat(verify("hello\n").problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.MALFORMED);
        assertThat(verify("").problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.MALFORMED);
    }
}
