package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The SQL of the audit tables; nothing else touches them. */
final class AuditRepository {

    private static final String RECORD_COLUMNS =
            "seq, occurred_at, kind, tenant_id, actor, nonce, tag, event, prev_hash, hash";
    private static final int ROWS_PER_INSERT = 50;
    private static final String ROW_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ROW = "INSERT INTO audit_events (" + RECORD_COLUMNS + ") VALUES " + ROW_VALUES;
    private static final String INSERT_ROWS = INSERT_ROW
            + (", " + ROW_VALUES).repeat(ROWS_PER_INSERT - 1);

    /** The chain's last record. */
    record Head(long seq, String hash) {
    }

    /**
     * Reads the head and locks it for an append: the row lock held to commit on PostgreSQL; on SQLite the
     * transaction already holds the database's write lock (the catalog begins every transaction
     * {@code IMMEDIATE}). Appenders, on one node or many, so line up on the head instead of forking the chain.
     */
    Head lockForAppend(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT seq, hash FROM audit_head WHERE id = 1" + jdbc.dialect().forUpdate(),
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow(
                () -> new SQLException("audit_head has no row; the V2 migration did not run"));
    }

    /**
     * Moves the head from {@code from} (read by {@link #lockForAppend}) to {@code to}, the last record appended:
     * one update of the head row however many records the append inserted.
     */
    void moveHead(Jdbc jdbc, Head from, AuditRecord to) throws SQLException {
        if (jdbc.update("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?", to.seq(), to.hash(),
                from.seq()) != 1) {
            throw new SQLException("audit_head moved during an append (from seq " + from.seq()
                    + "): the head was not locked");
        }
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

    /**
     * Inserts {@code records}, {@value #ROWS_PER_INSERT} rows per statement (a removal inserts thousands at once;
     * 500 parameters a statement stay within SQLite's oldest limit, 999, and PostgreSQL's), the rest one by one.
     */
    void insert(Jdbc jdbc, List<AuditRecord> records) throws SQLException {
        int batched = records.size() - records.size() % ROWS_PER_INSERT;
        for (int from = 0; from < batched; from += ROWS_PER_INSERT) {
            List<Object> parameters = new ArrayList<>(ROWS_PER_INSERT * 10);
            for (AuditRecord record : records.subList(from, from + ROWS_PER_INSERT)) {
                parameters.addAll(columns(record));
            }
            jdbc.update(INSERT_ROWS, parameters.toArray());
        }
        for (AuditRecord record : records.subList(batched, records.size())) {
            jdbc.update(INSERT_ROW, columns(record).toArray());
        }
    }

    private static List<Object> columns(AuditRecord record) {
        return Arrays.asList(record.seq(), record.occurredAt().toEpochMilli(), record.kind(),
                record.tenant().orElse(null), record.actor(), record.nonce(), record.tag(), record.event(),
                record.prevHash(), record.hash());
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
        List<Object> parameters = new ArrayList<>(List.of(since.toEpochMilli(), until.toEpochMilli()));
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

    /** Replaces the checkpoint at {@code checkpoint.seq()} (same record and hash, newer signature and time). */
    void replaceCheckpoint(Jdbc jdbc, Checkpoint checkpoint) throws SQLException {
        if (jdbc.update("UPDATE audit_checkpoints SET signed_at = ?, key_id = ?, signature = ? WHERE seq = ? AND hash = ?",
                checkpoint.signedAt().toEpochMilli(), checkpoint.keyId(), checkpoint.signature(), checkpoint.seq(),
                checkpoint.hash()) != 1) {
            throw new SQLException("no checkpoint at record " + checkpoint.seq() + " to renew");
        }
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
