package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A real SQLite catalog with an audit log over it, and raw SQL for tampering with its rows. */
final class AuditFixture {

    final Database database;
    final AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    final CatalogAuditLog log;

    AuditFixture(Path dir, CheckpointPolicy policy) {
        database = TestCatalog.open(dir);
        log = new CatalogAuditLog(database, key, policy, new SecureRandom(), clock);
    }

    /** Appends {@code count} uploads, alternating between tenants acme and globex, a second apart. */
    void appendUploads(int count) {
        for (int i = 0; i < count; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            log.append(new AuditEvent.UploadCommitted(clock.instant(), Optional.of(TenantId.of(tenant)), tenant + "-user",
                    "f_" + i, "/inbox/file-" + i + ".csv", i * 10L, "ab".repeat(32)));
            clock.advance(Duration.ofSeconds(1));
        }
    }

    /** An export of the log through {@code filter}, its header signed with the audit key or left unsigned. */
    String export(ExportFilter filter, boolean signed) throws IOException {
        StringWriter out = new StringWriter();
        new AuditExporter(database, clock, signed ? Optional.of(key) : Optional.empty()).export(filter, out);
        return out.toString();
    }

    /** Tenant acme's records between the two times. */
    static ExportFilter acme(Instant since, Instant until) {
        return new ExportFilter(since, until, Optional.of(TenantId.of("acme")), Optional.empty());
    }

    /** A verifier of acme's exports with the audit public key, with acme's tag key or without. */
    ExportVerifier exportVerifier(boolean withTagKey, boolean acceptUnsigned) {
        return new ExportVerifier(key.publicKey(), withTagKey ? Optional.of(log.tenantTagKey(Optional.of(
                TenantId.of("acme")))) : Optional.empty(), acceptUnsigned);
    }

    VerificationReport verify() {
        return new AuditVerifier(database, Optional.of(key.publicKey()), clock).verify();
    }

    void sql(String statement, Object... parameters) {
        database.inTransaction(jdbc -> jdbc.update(statement, parameters));
    }

    String column(String column, long seq) {
        return database.read(jdbc -> jdbc.queryOne("SELECT " + column + " FROM audit_events WHERE seq = ?",
                row -> row.getString(1), seq)).orElseThrow();
    }

    long count(String sql, Object... parameters) {
        return database.read(jdbc -> jdbc.count(sql, parameters));
    }

    /** Writes a row straight into the table, as someone with database access would. */
    void insertRow(AuditRecord record) {
        sql("INSERT INTO audit_events (seq, occurred_at, kind, tenant_id, actor, nonce, tag, event, prev_hash, hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", record.seq(), record.occurredAt().toEpochMilli(), record.kind(),
                record.tenant().orElse(null), record.actor(), record.nonce(), record.tag(), record.event(),
                record.prevHash(), record.hash());
    }

    /** Moves records {@code from..} by {@code delta} positions (two steps, so the primary key never clashes). */
    void shiftSeq(long from, long delta) {
        sql("UPDATE audit_events SET seq = -seq WHERE seq >= ?", from);
        sql("UPDATE audit_events SET seq = -seq + ? WHERE seq < 0", delta);
    }

    /** What an attacker without the signing key can do: re-hash every record from {@code from} on. */
    void rehashFrom(long from) {
        String prev = from == 1 ? ChainHash.GENESIS : column("hash", from - 1);
        long last = count("SELECT MAX(seq) FROM audit_events");
        for (long seq = from; seq <= last; seq++) {
            String digest = ChainHash.digest(column("nonce", seq), column("event", seq).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            String hash = ChainHash.link(prev, seq, column("tag", seq), digest);
            sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, seq);
            prev = hash;
        }
        sql("UPDATE audit_head SET hash = ?, seq = ? WHERE id = 1", prev, last);
    }
}
