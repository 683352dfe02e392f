package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogAuditLogTest {

    @TempDir
    Path dir;

    @Test
    void appends_formAGapFreeChainFromGenesis() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(100, Duration.ofHours(1)));
        AuditRecord first = audit.log.append(AuditEventTest.oneOfEach().get(0));
        AuditRecord second = audit.log.append(AuditEventTest.oneOfEach().get(1));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(ChainHash.GENESIS);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.recomputedHash()).isEqualTo(second.hash());
        assertThat(first.nonce()).isNotEqualTo(second.nonce());
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void everyKindOfEvent_isStoredWithItsIndexedColumns() {
        AuditFixture audit = new AuditFixture(dir, CheckpointPolicy.defaults());
        int kinds = AuditEventTest.oneOfEach().size();
        AuditEventTest.oneOfEach().forEach(audit.log::append);
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events")).isEqualTo(kinds);
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events WHERE tenant_id IS NULL")).isEqualTo(2);
        assertThat(audit.column("kind", 3)).isEqualTo("upload.committed");
        assertThat(audit.verify().summary()).startsWith("OK: " + kinds + " records");
    }

    @Test
    void appendInTheCallersTransaction_isRolledBackWithIt_andUsesNoSequenceNumber() {
        AuditFixture audit = new AuditFixture(dir, CheckpointPolicy.defaults());
        assertThatThrownBy(() -> audit.database.inTransaction(jdbc -> {
            audit.log.append(jdbc, AuditEventTest.oneOfEach().get(2));
            throw new IllegalStateException("the file's commit failed");
        })).hasMessageContaining("commit failed");
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events")).isZero();
        assertThat(audit.log.append(AuditEventTest.oneOfEach().get(2)).seq()).isEqualTo(1);
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void concurrentAppenders_neverForkTheChain() throws Exception {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(25, Duration.ofHours(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        audit.log.append(new AuditEvent.Deleted(audit.clock.instant(), Optional.of(TenantId.of("acme")),
                                "user-" + thread, "f_" + thread + "_" + i, "/inbox/" + i));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events")).isEqualTo(320);
        assertThat(audit.count("SELECT MAX(seq) FROM audit_events")).isEqualTo(320);
        VerificationReport report = audit.verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.checkpoints()).isEqualTo(13); // seq 1 (first ever), then every 25 events: 26, 51, ... 301
    }

    @Test
    void checkpoints_comeEveryNEvents() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(5, Duration.ofDays(1)));
        audit.appendUploads(12);
        List<Long> signed = audit.database.read(jdbc -> jdbc.query("SELECT seq FROM audit_checkpoints ORDER BY seq",
                row -> row.getLong(1)));
        assertThat(signed).containsExactly(1L, 6L, 11L);
        VerificationReport report = audit.verify();
        assertThat(report.lastCheckpointSeq()).isEqualTo(11);
        assertThat(report.unsignedRecords()).isEqualTo(1);
    }

    @Test
    void checkpoints_comeAfterTheInterval_onAppendOrOnTheTimer() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(1000, Duration.ofMinutes(5)));
        audit.appendUploads(3); // checkpoint at 1 (the first), then 2 and 3 within the interval
        assertThat(audit.log.checkpointIfDue()).isEmpty();
        audit.clock.advance(Duration.ofMinutes(5));
        Optional<Checkpoint> timed = audit.log.checkpointIfDue();
        assertThat(timed).get().extracting(Checkpoint::seq).isEqualTo(3L);
        assertThat(timed.get().verifies(audit.key.publicKey())).isTrue();
        audit.clock.advance(Duration.ofMinutes(10));
        assertThat(audit.log.checkpointIfDue()).as("nothing new to sign: the head's checkpoint is renewed (heartbeat)")
                .get().extracting(Checkpoint::seq, Checkpoint::signedAt).containsExactly(3L, audit.clock.instant());
        assertThat(audit.count("SELECT COUNT(*) FROM audit_checkpoints")).isEqualTo(2);
        audit.clock.advance(Duration.ofMinutes(5));
        audit.appendUploads(1);
        assertThat(audit.count("SELECT MAX(seq) FROM audit_checkpoints")).isEqualTo(4);
        assertThat(audit.log.checkpointNow()).isEmpty();
        audit.appendUploads(1);
        assertThat(audit.log.checkpointNow()).get().extracting(Checkpoint::seq).isEqualTo(5L);
        assertThat(audit.verify().unsignedRecords()).isZero();
    }
}
