package io.vaultgate.core.catalog;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The administrators, by name; their credentials are API tokens ({@link TokenRepository}) and TOTP secrets. */
public final class AdminRepository {

    /** An administrator and when it was made. */
    public record AdminRow(String name, Instant createdAt) {
    }

    public boolean exists(Jdbc jdbc, String name) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM admins WHERE name = ?", name) > 0;
    }

    public void insert(Jdbc jdbc, String name, Instant now) throws SQLException {
        jdbc.update("INSERT INTO admins (name, created_at) VALUES (?, ?)", name, now.toEpochMilli());
    }

    /** Every administrator by name, each row locked until the transaction ends where the dialect locks rows. */
    public List<AdminRow> lockAll(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT name, created_at FROM admins ORDER BY name" + jdbc.dialect().forUpdate(),
                AdminRepository::map);
    }

    public List<AdminRow> all(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT name, created_at FROM admins ORDER BY name", AdminRepository::map);
    }

    public boolean delete(Jdbc jdbc, String name) throws SQLException {
        return jdbc.update("DELETE FROM admins WHERE name = ?", name) == 1;
    }

    private static AdminRow map(java.sql.ResultSet row) throws SQLException {
        return new AdminRow(row.getString(1), Instant.ofEpochMilli(row.getLong(2)));
    }
}
