package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditProblem.Kind;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of modification, made by editing the SQLite rows directly, is found at its first bad record. */
class AuditVerifierTamperTest {

    @TempDir
    Path dir;
    private AuditFixture audit;

    @BeforeEach
    void twentyRecordsWithCheckpointsAt1_11() {
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20);
        assertThat(audit.verify().ok()).isTrue();
    }

    private AuditProblem problem() {
        VerificationReport report = audit.verify();
        assertThat(report.ok()).as("tampering must be detected").isFalse();
        return report.problem().orElseThrow();
    }

    @Test
    void untouchedChain_verifies_andReportsTheUnsignedTail() {
        VerificationReport report = audit.verify();
        assertThat(report.records()).isEqualTo(20);
        assertThat(report.checkpoints()).isEqualTo(2);
        assertThat(report.lastCheckpointSeq()).isEqualTo(11);
        assertThat(report.unsignedRecords()).isEqualTo(9);
    }

    @Test
    void changedEvent_isFoundAtThatRecord() {
        audit.sql("UPDATE audit_events SET event = replace(event, '\"size\":70', '\"size\":71') WHERE seq = 8");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(8L, Kind.CHANGED);
    }

    @Test
    void changedNonce_isFoundAtThatRecord() {
        audit.sql("UPDATE audit_events SET nonce = ? WHERE seq = 4", "00".repeat(16));
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(4L, Kind.CHANGED);
    }

    @Test
    void changedIndexedColumn_isFound_soATenantExportCannotBeSteered() {
        audit.sql("UPDATE audit_events SET tenant_id = 'globex' WHERE seq = 5");
        AuditProblem problem = problem();
        assertThat(problem).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(5L, Kind.COLUMN_MISMATCH);
        assertThat(problem.reason()).contains("tenant_id");
    }

    @Test
    void changedTime_isFound() {
        audit.sql("UPDATE audit_events SET occurred_at = occurred_at + 1 WHERE seq = 6");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(6L, Kind.COLUMN_MISMATCH);
    }

    @Test
    void changedTag_isFoundAtThatRecord() {
        audit.sql("UPDATE audit_events SET tag = ? WHERE seq = 9", "44".repeat(32));
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(9L, Kind.CHANGED);
    }

    @Test
    void deletedRecord_isNamedMissing() {
        audit.sql("DELETE FROM audit_events WHERE seq = 7");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(7L, Kind.MISSING);
    }

    @Test
    void deletedRecordWithRenumbering_breaksTheLinkAtItsPosition() {
        audit.sql("DELETE FROM audit_events WHERE seq = 7");
        audit.shiftSeq(8, -1);
        audit.sql("UPDATE audit_head SET seq = 19 WHERE id = 1");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(7L, Kind.BROKEN_LINK);
    }

    @Test
    void insertedRecordWithRenumbering_isNamedInserted() {
        String before = audit.column("hash", 14);
        audit.shiftSeq(15, 1);
        AuditRecord forged = AuditRecord.link(15, before, "11".repeat(16), "33".repeat(32), new AuditEvent.Deleted(
                Instant.now(), Optional.of(io.vaultgate.core.tenant.TenantId.of("acme")), "mallory", "f_x", "/inbox/x"));
        audit.insertRow(forged);
        audit.sql("UPDATE audit_head SET seq = 21 WHERE id = 1");
        AuditProblem problem = problem();
        assertThat(problem).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(15L, Kind.INSERTED);
        assertThat(problem.reason()).contains("links to record 14");
    }

    @Test
    void swappedRecords_areFoundAtTheFirstOfThem() {
        audit.sql("UPDATE audit_events SET seq = -1 WHERE seq = 12");
        audit.sql("UPDATE audit_events SET seq = 12 WHERE seq = 13");
        audit.sql("UPDATE audit_events SET seq = 13 WHERE seq = -1");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(12L, Kind.BROKEN_LINK);
    }

    @Test
    void rewrittenAndRehashedChain_isCaughtByTheSignedCheckpoint() {
        audit.sql("UPDATE audit_events SET event = replace(event, 'file-3.csv', 'other.csv') WHERE seq = 4");
        audit.rehashFrom(4);
        AuditProblem problem = problem();
        assertThat(problem).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(2L, Kind.REWRITTEN);
        assertThat(problem.reason()).contains("checkpoint 11").contains("records 2..11");
    }

    @Test
    void rehashedRecordWithoutRehashingTheRest_breaksTheNextLink() {
        audit.sql("UPDATE audit_events SET event = replace(event, 'file-3.csv', 'other.csv') WHERE seq = 4");
        String digest = ChainHash.digest(audit.column("nonce", 4), audit.column("event", 4).getBytes());
        audit.sql("UPDATE audit_events SET hash = ? WHERE seq = 4", ChainHash.link(audit.column("prev_hash", 4), 4,
                audit.column("tag", 4), digest));
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(5L, Kind.BROKEN_LINK);
    }

    @Test
    void forgedCheckpoint_isFound() {
        audit.sql("UPDATE audit_checkpoints SET hash = ? WHERE seq = 11", "00".repeat(32));
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(11L, Kind.FORGED_CHECKPOINT);
    }

    @Test
    void checkpointSignedByAnotherKey_isNamedAsSuch() {
        AuditSigningKey other = AuditSigningKey.generate(new SecureRandom());
        Checkpoint fake = Checkpoint.sign(20, audit.column("hash", 20), Instant.now(), other);
        audit.sql("INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)",
                fake.seq(), fake.hash(), fake.signedAt().toEpochMilli(), fake.keyId(), fake.signature());
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(20L, Kind.UNKNOWN_KEY);
    }

    @Test
    void truncatedTail_isFoundByTheHead() {
        audit.sql("DELETE FROM audit_events WHERE seq > 17");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(18L, Kind.TRUNCATED);
    }

    @Test
    void truncatedTailWithHeadRewritten_isFoundByACheckpoint() {
        audit.sql("DELETE FROM audit_events WHERE seq > 9");
        audit.sql("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", audit.column("hash", 9));
        AuditProblem problem = problem();
        assertThat(problem).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(10L, Kind.TRUNCATED);
        assertThat(problem.reason()).contains("checkpoint 11");
    }

    @Test
    void recordWrittenPastTheHead_isNamedInserted() {
        AuditRecord forged = AuditRecord.link(21, audit.column("hash", 20), "22".repeat(16), "33".repeat(32),
                AuditEventTest.oneOfEach().get(0));
        audit.insertRow(forged);
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(21L, Kind.INSERTED);
    }

    @Test
    void garbageInAStoredValue_isMalformed_notACrash() {
        audit.sql("UPDATE audit_events SET prev_hash = 'not hex' WHERE seq = 3");
        assertThat(problem()).extracting(AuditProblem::seq, AuditProblem::kind).containsExactly(3L, Kind.MALFORMED);
    }

    @Test
    void withoutAKey_theChainIsStillChecked_butSignaturesAreNot() {
        audit.sql("UPDATE audit_checkpoints SET signature = 'AAAA' WHERE seq = 11");
        VerificationReport unkeyed = new AuditVerifier(audit.database, Optional.empty(), audit.clock).verify();
        assertThat(unkeyed.ok()).isTrue();
        assertThat(unkeyed.summary()).contains("NOT checked");
        assertThat(problem().kind()).isEqualTo(Kind.FORGED_CHECKPOINT);
    }
}
