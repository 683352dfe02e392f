package io.vaultgate.core.catalog;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The monitors, by name; their only credentials are API tokens ({@link TokenRepository}, kind {@code monitor}). */
public final class MonitorRepository {

    /** A monitor and when it was made. */
    public record MonitorRow(String name, Instant createdAt) {
    }

    public boolean exists(Jdbc jdbc, String name) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM monitors WHERE name = ?", name) > 0;
    }

    public void insert(Jdbc jdbc, String name, Instant now) throws SQLException {
        jdbc.update("INSERT INTO monitors (name, created_at) VALUES (?, ?)", name, now.toEpochMilli());
    }

    public List<MonitorRow> all(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT name, created_at FROM monitors ORDER BY name",
                row -> new MonitorRow(row.getString(1), Instant.ofEpochMilli(row.getLong(2))));
    }

    public boolean delete(Jdbc jdbc, String name) throws SQLException {
        return jdbc.update("DELETE FROM monitors WHERE name = ?", name) == 1;
    }
}
