package io.vaultgate.core.node;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the {@code nodes} table (migration V10); nothing else writes it. Heartbeats are the catalog's time,
 * and silences are measured by it: nodes' own clocks may differ by more than a node may stay silent.
 */
final class NodeRepository {

    private static final String COLUMNS = "id, incarnation, started_at, last_seen";

    Optional<NodeStatus> find(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + status(jdbc) + " FROM nodes WHERE id = ?", NodeRepository::map, id);
    }

    List<NodeStatus> list(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT " + status(jdbc) + " FROM nodes ORDER BY id", NodeRepository::map);
    }

    /** Records a new incarnation of node {@code id}, alive now (one atomic statement on both databases). */
    void join(Jdbc jdbc, String id, String incarnation) throws SQLException {
        String now = jdbc.dialect().nowMillis();
        jdbc.update("INSERT INTO nodes (" + COLUMNS + ") VALUES (?, ?, " + now + ", " + now + ") ON CONFLICT (id) "
                + "DO UPDATE SET incarnation = excluded.incarnation, started_at = excluded.started_at, "
                + "last_seen = excluded.last_seen", id, incarnation);
    }

    /** A heartbeat; false if the row now belongs to another incarnation (a second process with this id). */
    boolean beat(Jdbc jdbc, String id, String incarnation) throws SQLException {
        return jdbc.update("UPDATE nodes SET last_seen = " + jdbc.dialect().nowMillis() + " WHERE id = ? AND "
                + "incarnation = ?", id, incarnation) == 1;
    }

    /** A clean stop: the node is dead from now on, so whatever it left is recovered at once. */
    void leave(Jdbc jdbc, String id, String incarnation) throws SQLException {
        jdbc.update("UPDATE nodes SET last_seen = 0 WHERE id = ? AND incarnation = ?", id, incarnation);
    }

    /** Nodes other than {@code self} silent for longer than {@code silence} (or stopped). */
    List<String> silentFor(Jdbc jdbc, Duration silence, String self) throws SQLException {
        return jdbc.query("SELECT id FROM nodes WHERE last_seen < " + jdbc.dialect().nowMillis() + " - ? AND id <> ? "
                + "ORDER BY id", row -> row.getString(1), silence.toMillis(), self);
    }

    /** Forgets nodes silent for longer than {@code silence} that own no upload any more. */
    int prune(Jdbc jdbc, Duration silence) throws SQLException {
        return jdbc.update("DELETE FROM nodes WHERE last_seen < " + jdbc.dialect().nowMillis() + " - ? AND NOT EXISTS "
                + "(SELECT 1 FROM files f WHERE f.node_id = nodes.id AND f.state = 'UPLOADING')", silence.toMillis());
    }

    private static String status(Jdbc jdbc) {
        return COLUMNS + ", " + jdbc.dialect().nowMillis() + " - last_seen, (SELECT COUNT(*) FROM files f "
                + "WHERE f.state = 'UPLOADING' AND f.node_id = nodes.id)";
    }

    private static NodeStatus map(java.sql.ResultSet row) throws SQLException {
        return new NodeStatus(row.getString(1), row.getString(2), Instant.ofEpochMilli(row.getLong(3)),
                Instant.ofEpochMilli(row.getLong(4)), Duration.ofMillis(row.getLong(5)), row.getLong(6));
    }
}
