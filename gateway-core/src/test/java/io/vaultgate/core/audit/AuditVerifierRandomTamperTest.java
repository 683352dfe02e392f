package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any one-value change to any column of any record is found at exactly that record, and undoing it heals. */
class AuditVerifierRandomTamperTest {

    private static final List<String> COLUMNS = List.of("event", "nonce", "tag", "prev_hash", "hash", "tenant_id",
            "actor", "kind", "occurred_at");

    @TempDir
    Path dir;

    @Test
    void everySingleValueChange_isFoundAtItsRecord() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(7, Duration.ofDays(1)));
        audit.appendUploads(30);
        Random random = new Random(20261128);
        for (int round = 0; round < 150; round++) {
            long seq = 1 + random.nextInt(30);
            String column = COLUMNS.get(random.nextInt(COLUMNS.size()));
            String original = audit.column(column, seq);
            audit.sql("UPDATE audit_events SET " + column + " = ? WHERE seq = ?", changed(column, original, random), seq);

            VerificationReport report = audit.verify();
            assertThat(report.problem()).as("round %d: %s of record %d changed", round, column, seq).isPresent();
            assertThat(report.problem().get().seq()).as(report.summary()).isEqualTo(seq);

            audit.sql("UPDATE audit_events SET " + column + " = ? WHERE seq = ?", column.equals("occurred_at")
                    ? Long.parseLong(original) : original, seq);
            assertThat(audit.verify().ok()).isTrue();
        }
    }

    private static Object changed(String column, String value, Random random) {
        switch (column) {
            case "occurred_at":
                return Long.parseLong(value) + 1 + random.nextInt(1000);
            case "nonce", "tag", "prev_hash", "hash": {
                int at = random.nextInt(value.length());
                char c = value.charAt(at) == '0' ? '1' : '0';
                return value.substring(0, at) + c + value.substring(at + 1);
            }
            case "event":
                return value.replace("\"size\":", "\"size\":1");
            default:
                return value + "x";
        }
    }
}
