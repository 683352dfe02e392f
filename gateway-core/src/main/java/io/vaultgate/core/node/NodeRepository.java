package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code nodes} table (migration V10); nothing else writes it. */
final class NodeRepository {

    private static final String COLUMNS = "id, incarnation, started_at, last_seen";
    private static final String STATUS = COLUMNS + ", (SELECT COUNT(*) FROM files f WHERE f.state = 'UPLOADING' "
            + "AND f.node_id = nodes.id)";

    Optional<NodeStatus> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + STATUS + " FROM nodes WHERE id = ?", NodeRepository::map, id);
    }

    List<NodeStatus> list(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT " + STATUS + " FROM nodes ORDER BY id", NodeRepository::map);
    }

    /** Records a new incarnation of node {@code id}, alive now (one atomic statement on both databases). */
    void join(Jdbc jdbc, String id, String incarnation, Instant now) throws SQLException {
        jdbc.update("INSERT INTO nodes (" + COLUMNS + ") VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        + "incarnation = excluded.incarnation, started_at = excluded.started_at, "
                        + "last_seen = excluded.last_seen", id, incarnation, now.toEpochMilli(), now.toEpochMilli());
    }

    /** A heartbeat; false if the row now belongs to another incarnation (a second process with this id). */
    boolean beat(Jdbc jdbc, String id, String incarnation, Instant now) throws SQLException {
        return jdbc.update("UPDATE nodes SET last_seen = ? WHERE id = ? AND incarnation = ?", now.toEpochMilli(), id,
                incarnation) == 1;
    }

    /** A clean stop: the node is dead from now on, so whatever it left is recovered at once. */
    void leave(Jdbc jdbc, String id, String incarnation) throws SQLException {
        jdbc.update("UPDATE nodes SET last_seen = 0 WHERE id = ? AND incarnation = ?", id, incarnation);
    }

    /** Nodes other than {@code self} silent since before {@code cutoff} (or stopped). */
    List<String> silentSince(Jdbc jdbc, Instant cutoff, String self) throws SQLException {
        return jdbc.query("SELECT id FROM nodes WHERE last_seen < ? AND id <> ? ORDER BY id", row -> row.getString(1),
                cutoff.toEpochMilli(), self);
    }

    /** Forgets nodes silent since before {@code cutoff} that own no upload any more. */
    int prune(Jdbc jdbc, Instant cutoff) throws SQLException {
        return jdbc.update("DELETE FROM nodes WHERE last_seen < ? AND NOT EXISTS (SELECT 1 FROM files f "
                + "WHERE f.node_id = nodes.id AND f.state = 'UPLOADING')", cutoff.toEpochMilli());
    }

    private static NodeStatus map(java.sql.ResultSet row) throws SQLException {
        return new NodeStatus(row.getString(1), row.getString(2), Instant.ofEpochMilli(row.getLong(3)),
                Instant.ofEpochMilli(row.getLong(4)), row.getLong(5));
    }
}
