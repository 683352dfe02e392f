package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SQL of the audit tables; nothing else touches them. */
final class AuditRepository {

    private static final String RECORD_COLUMNS =
            "seq, occurred_at, kind, tenant_id, actor, nonce, tag, event, prev_hash, hash";

    /** The chain's last record. */
    record Head(long seq, String hash) {
    }

    /**
     * Claims the next sequence number. Updating the head row first serializes appenders on it, in SQLite
     * (one writer) and PostgreSQL (row lock held to commit) alike; the returned hash is then the latest.
     */
    Head claimNext(Jdbc jdbc) throws SQLException {
        if (jdbc.update("UPDATE audit_head SET seq = seq + 1 WHERE id = 1") != 1) {
            throw new SQLException("audit_head has no row; the V2 migration did not run");
        }
        return head(jdbc);
    }

    /** Takes the head's lock without moving it, so a checkpoint is signed between appends, never during one. */
    void lockHead(Jdbc jdbc) throws SQLException {
        jdbc.update("UPDATE audit_head SET seq = seq WHERE id = 1");
    }

    Head head(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT seq, hash FROM audit_head WHERE id = 1",
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow(
                () -> new SQLException("audit_head has no row; the V2 migration did not run"));
    }

    void insert(Jdbc jdbc, AuditRecord record) throws SQLException {
        jdbc.update("INSERT INTO audit_events (" + RECORD_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                record.seq(), record.occurredAt().toEpochMilli(), record.kind(), record.tenant().orElse(null),
                record.actor(), record.nonce(), record.tag(), record.event(), record.prevHash(), record.hash());
        jdbc.update("UPDATE audit_head SET hash = ? WHERE id = 1", record.hash());
    }

    /** Up to {@code limit} records after {@code afterSeq}, in order. */
    List<AuditRecord> page(Jdbc jdbc, long afterSeq, long toSeq, int limit) throws SQLException {
        return jdbc.query("SELECT " + RECORD_COLUMNS + " FROM audit_events WHERE seq > ? AND seq <= ? "
                + "ORDER BY seq LIMIT ?", AuditRepository::record, afterSeq, toSeq, limit);
    }

    /** The lowest and highest seq of the records matching a filter, if any match. */
    Optional<long[]> bounds(Jdbc jdbc, Instant since, Instant until, Optional<String> tenant,
                            Optional<String> actor) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT MIN(seq), MAX(seq) FROM audit_events WHERE occurred_at >= ? AND occurred_at < ?");
        List<Object> parameters = new java.util.ArrayList<>(List.of(since.toEpochMilli(), until.toEpochMilli()));
        tenant.ifPresent(value -> {
            sql.append(" AND tenant_id = ?");
            parameters.add(value);
        });
        actor.ifPresent(value -> {
            sql.append(" AND actor = ?");
            parameters.add(value);
        });
        return jdbc.queryOne(sql.toString(), row -> {
            long min = row.getLong(1);
            return row.wasNull() ? new long[0] : new long[] {min, row.getLong(2)};
        }, parameters.toArray()).filter(bounds -> bounds.length == 2);
    }

    void insertCheckpoint(Jdbc jdbc, Checkpoint checkpoint) throws SQLException {
        jdbc.update("INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)",
                checkpoint.seq(), checkpoint.hash(), checkpoint.signedAt().toEpochMilli(), checkpoint.keyId(),
                checkpoint.signature());
    }

    Optional<Checkpoint> latestCheckpoint(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT seq, hash, signed_at, key_id, signature FROM audit_checkpoints "
                + "ORDER BY seq DESC LIMIT 1", AuditRepository::checkpoint);
    }

    /** The checkpoints with {@code fromSeq <= seq}, in order; the first after {@code toSeq} is included. */
    List<Checkpoint> checkpoints(Jdbc jdbc, long fromSeq, long toSeq) throws SQLException {
        List<Checkpoint> within = jdbc.query("SELECT seq, hash, signed_at, key_id, signature FROM audit_checkpoints "
                + "WHERE seq >= ? AND seq <= ? ORDER BY seq", AuditRepository::checkpoint, fromSeq, toSeq);
        List<Checkpoint> next = jdbc.query("SELECT seq, hash, signed_at, key_id, signature FROM audit_checkpoints "
                + "WHERE seq > ? ORDER BY seq LIMIT 1", AuditRepository::checkpoint, toSeq);
        return java.util.stream.Stream.concat(within.stream(), next.stream()).toList();
    }

    private static AuditRecord record(ResultSet row) throws SQLException {
        // Tolerant of NULLs a tamperer may have written: they become "" and fail verification, not the read.
        return new AuditRecord(row.getLong(1), Instant.ofEpochMilli(row.getLong(2)), text(row, 3),
                Optional.ofNullable(row.getString(4)), text(row, 5), text(row, 6), text(row, 7),
                text(row, 8), text(row, 9), text(row, 10));
    }

    private static String text(ResultSet row, int column) throws SQLException {
        String value = row.getString(column);
        return value == null ? "" : value;
    }

    private static Checkpoint checkpoint(ResultSet row) throws SQLException {
        return new Checkpoint(row.getLong(1), row.getString(2), Instant.ofEpochMilli(row.getLong(3)),
                row.getString(4), row.getString(5));
    }
}
