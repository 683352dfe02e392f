package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CatalogAuditLog#appendAll}: many events in one transaction (a site's removal abandoning its work) make the
 * same chain and checkpoints as appending them one by one, while the head row is read and moved once.
 */
class CatalogAuditLogBatchTest {

    @TempDir
    Path dir;

    @Test
    void aBatch_writesTheSameRecordsAndCheckpointsAsOneByOneAppends() {
        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        CheckpointPolicy policy = new CheckpointPolicy(4, Duration.ofDays(1)); // checkpoints inside the batch
        Database oneByOne = TestCatalog.open(dir.resolve("one-by-one"));
        Database batched = TestCatalog.open(dir.resolve("batched"));
        CatalogAuditLog singles = new CatalogAuditLog(oneByOne, key, policy, countingNonces(), clock);
        CatalogAuditLog batch = new CatalogAuditLog(batched, key, policy, countingNonces(), clock);
        List<AuditEvent> events = AuditEventTest.oneOfEach();
        singles.append(events.get(0));
        batch.append(events.get(0)); // the batch starts after a head that is not the genesis

        oneByOne.inTransaction(jdbc -> {
            for (AuditEvent event : events) {
                singles.append(jdbc, event);
            }
            return null;
        });
        List<AuditRecord> appended = batched.inTransaction(jdbc -> batch.appendAll(jdbc, events));

        assertThat(appended).extracting(AuditRecord::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(2, events.size() + 1).boxed().toList());
        assertThat(appended).extracting(AuditRecord::kind).containsExactlyElementsOf(
                events.stream().map(AuditEvent::kind).toList());
        assertThat(rows(batched, "SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq"))
                .containsExactlyElementsOf(rows(oneByOne, "SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq"));
        assertThat(rows(batched, "SELECT seq, hash, signed_at, signature FROM audit_checkpoints ORDER BY seq"))
                .containsExactlyElementsOf(rows(oneByOne,
                        "SELECT seq, hash, signed_at, signature FROM audit_checkpoints ORDER BY seq"))
                .hasSize(1 + events.size() / 4);
        assertThat(rows(batched, "SELECT seq, hash FROM audit_head")).containsExactly(
                appended.get(appended.size() - 1).seq() + " " + appended.get(appended.size() - 1).hash());
        VerificationReport report = new AuditVerifier(batched, Optional.of(key.publicKey()), java.time.Clock.systemUTC())
                .verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.records()).isEqualTo(events.size() + 1);
    }

    @Test
    void aBatch_updatesTheHeadRowOnce_howeverManyEvents() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(3);
        long updates = audit.database.inTransaction(jdbc -> {
            long before = headUpdatesSoFar(jdbc);
            audit.log.appendAll(jdbc, uploads(audit, 50));
            return headUpdatesSoFar(jdbc) - before;
        });
        assertThat(updates).as("updates of audit_head by one batch of 50 events").isEqualTo(1);
        assertThat(audit.count("SELECT seq FROM audit_head")).isEqualTo(53);
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void anEmptyBatch_leavesTheHeadAlone() {
        AuditFixture audit = new AuditFixture(dir, CheckpointPolicy.defaults());
        audit.appendUploads(2);
        List<AuditRecord> none = audit.database.inTransaction(jdbc -> audit.log.appendAll(jdbc, List.of()));
        assertThat(none).isEmpty();
        assertThat(audit.count("SELECT seq FROM audit_head")).isEqualTo(2);
        assertThat(audit.log.append(AuditEventTest.oneOfEach().get(0)).seq()).isEqualTo(3);
    }

    @Test
    void aBatch_isRolledBackWithItsTransaction_andUsesNoSequenceNumbers() {
        AuditFixture audit = new AuditFixture(dir, CheckpointPolicy.defaults());
        audit.appendUploads(1);
        assertThatThrownBy(() -> audit.database.inTransaction(jdbc -> {
            audit.log.appendAll(jdbc, uploads(audit, 5));
            throw new IllegalStateException("the removal failed");
        })).hasMessageContaining("removal failed");
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events")).isEqualTo(1);
        assertThat(audit.log.append(AuditEventTest.oneOfEach().get(0)).seq()).isEqualTo(2);
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void oneChangedEventInsideABatch_isFoundAtThatRecord() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(2);
        audit.database.inTransaction(jdbc -> audit.log.appendAll(jdbc, uploads(audit, 20)));
        assertThat(audit.verify().ok()).isTrue();
        audit.sql("UPDATE audit_events SET event = replace(event, 'batch-7.csv', 'other.csv') WHERE seq = 10");
        VerificationReport report = audit.verify();
        assertThat(report.ok()).as("tampering must be detected").isFalse();
        assertThat(report.problem().orElseThrow()).extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(10L, Kind.CHANGED);
    }

    @Test
    void aRehashedBatch_isCaughtByTheCheckpointSignedInsideIt() {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(2); // checkpoint at 1
        audit.database.inTransaction(jdbc -> audit.log.appendAll(jdbc, uploads(audit, 20))); // checkpoints 11, 21
        audit.sql("UPDATE audit_events SET event = replace(event, 'batch-7.csv', 'other.csv') WHERE seq = 10");
        audit.rehashFrom(10);
        VerificationReport report = audit.verify();
        assertThat(report.ok()).as("tampering must be detected").isFalse();
        assertThat(report.problem().orElseThrow()).extracting(AuditProblem::seq, AuditProblem::kind)
                .containsExactly(2L, Kind.REWRITTEN);
        assertThat(report.problem().orElseThrow().reason()).contains("checkpoint 11");
    }

    @Test
    void batchesAndSingleAppendsAtOnce_neverForkTheChain() throws Exception {
        AuditFixture audit = new AuditFixture(dir, new CheckpointPolicy(25, Duration.ofHours(1)));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<List<AuditRecord>>> batches = new ArrayList<>();
        List<Future<?>> singles = new ArrayList<>();
        try {
            for (int t = 0; t < 3; t++) {
                batches.add(pool.submit(() -> {
                    List<AuditRecord> records = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        records.addAll(audit.database.inTransaction(jdbc -> audit.log.appendAll(jdbc,
                                uploads(audit, 12))));
                    }
                    return records;
                }));
                singles.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        audit.log.append(new AuditEvent.Deleted(audit.clock.instant(),
                                Optional.of(TenantId.of("acme")), "user", "f_" + i, "/inbox/" + i));
                    }
                }));
            }
            for (Future<?> future : singles) {
                future.get();
            }
            for (Future<List<AuditRecord>> future : batches) {
                for (AuditRecord record : future.get()) {
                    assertThat(audit.column("hash", record.seq())).as("the record a batch linked is the one stored")
                            .isEqualTo(record.hash());
                }
            }
        } finally {
            pool.shutdown();
        }
        long total = 3 * 10 * 12 + 3 * 40;
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events")).isEqualTo(total);
        assertThat(audit.count("SELECT MAX(seq) FROM audit_events")).isEqualTo(total);
        VerificationReport report = audit.verify();
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.checkpoints()).isEqualTo(1 + (total - 1) / 25); // seq 1, then every 25 events
    }

    /**
     * The updates of the head row made so far by this transaction, as the database counts them: PostgreSQL's
     * statistics of the transaction; SQLite's count of rows the connection changed, less the audit rows inserted.
     */
    private static long headUpdatesSoFar(Jdbc jdbc) throws SQLException {
        if (jdbc.dialect() == Dialect.POSTGRESQL) {
            return jdbc.count("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'audit_head'");
        }
        return jdbc.count("SELECT total_changes()") - jdbc.count("SELECT COUNT(*) FROM audit_events")
                - jdbc.count("SELECT COUNT(*) FROM audit_checkpoints");
    }

    private static List<AuditEvent> uploads(AuditFixture audit, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            events.add(new AuditEvent.UploadCommitted(audit.clock.instant(), Optional.of(TenantId.of(tenant)),
                    tenant + "-user", "f_b" + i, "/inbox/batch-" + i + ".csv", i, "cd".repeat(32)));
        }
        return events;
    }

    private static List<String> rows(Database database, String sql) {
        return database.read(jdbc -> jdbc.query(sql, row -> {
            StringBuilder text = new StringBuilder(row.getString(1));
            for (int column = 2; column <= row.getMetaData().getColumnCount(); column++) {
                text.append(' ').append(row.getString(column));
            }
            return text.toString();
        }));
    }

    /** Nonces from a counter: two logs given the same events and key write the same bytes. */
    private static SecureRandom countingNonces() {
        return new SecureRandom() {
            private long next;

            @Override
            public synchronized void nextBytes(byte[] bytes) {
                ByteBuffer.wrap(bytes).putLong(bytes.length - Long.BYTES, ++next);
            }
        };
    }
}
