package io.vaultgate.core.defender;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code defender_bans} table: one row per address ever banned and not yet forgotten. Nodes ban at the
 * same time: {@link #find} locks the address's row until the transaction ends (PostgreSQL; SQLite
 * transactions never interleave), so a second ban of the address waits and then raises the level the first
 * one wrote, and {@link #save} is one atomic upsert, so two first bans never collide on the key.
 */
final class BanStore {

    private static final String COLUMNS = "address, level, banned_until, reason";

    Optional<Ban> find(Jdbc jdbc, String address) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM defender_bans WHERE address = ?"
                + jdbc.dialect().forUpdate(), BanStore::map, address);
    }

    /** Bans still in force at {@code now}. */
    List<Ban> active(Jdbc jdbc, Instant now) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM defender_bans WHERE banned_until > ? ORDER BY banned_until",
                BanStore::map, now.toEpochMilli());
    }

    void save(Jdbc jdbc, Ban ban, Instant now) throws SQLException {
        jdbc.update("INSERT INTO defender_bans (address, level, banned_until, reason, updated_at) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET level = excluded.level, "
                + "banned_until = excluded.banned_until, reason = excluded.reason, updated_at = excluded.updated_at",
                ban.address(), ban.level(), ban.until().toEpochMilli(), ban.reason(), now.toEpochMilli());
    }

    boolean delete(Jdbc jdbc, String address) throws SQLException {
        return jdbc.update("DELETE FROM defender_bans WHERE address = ?", address) > 0;
    }

    /** Forgets addresses whose last ban ended before {@code cutoff}, so their next ban starts at level 1. */
    int forget(Jdbc jdbc, Instant cutoff) throws SQLException {
        return jdbc.update("DELETE FROM defender_bans WHERE banned_until < ?", cutoff.toEpochMilli());
    }

    private static Ban map(ResultSet row) throws SQLException {
        return new Ban(row.getString(1), row.getInt(2), Instant.ofEpochMilli(row.getLong(3)), row.getString(4));
    }
}
