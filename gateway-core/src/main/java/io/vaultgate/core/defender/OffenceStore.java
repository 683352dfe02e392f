package io.vaultgate.core.defender;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The defender's scores, shared by every node through the catalog, so an address is banned once its offences on
 * all nodes together reach the threshold. {@code defender_offences} holds one row per offence and is only ever
 * inserted into, except by {@link #sweep}; {@code defender_scores} holds one row per address, which serialises
 * the scoring of that address across nodes and records when its score was last cleared.
 */
final class OffenceStore {

    /**
     * Records {@code points} for {@code address} at {@code now}; returns its total since {@code windowStart} and
     * since it was last cleared. The upsert locks the address's row first (PostgreSQL; SQLite serialises every
     * writer anyway): a concurrent scorer of the same address waits until this one commits, and then its sum,
     * a new statement under READ COMMITTED, includes these points.
     */
    int add(Jdbc jdbc, String address, int points, Instant now, Instant windowStart) throws SQLException {
        jdbc.update("INSERT INTO defender_scores (address, last_offence, cleared_at) VALUES (?, ?, 0) "
                + "ON CONFLICT (address) DO UPDATE SET last_offence = excluded.last_offence", address,
                now.toEpochMilli());
        jdbc.update("INSERT INTO defender_offences (address, points, occurred_at) VALUES (?, ?, ?)", address, points,
                now.toEpochMilli());
        return score(jdbc, address, windowStart);
    }

    /**
     * Takes back {@code points} of the address's score, as a row of negative points at {@code now}, if its score
     * since {@code windowStart} (and since it was last cleared) holds that many: never below zero, so nothing is
     * credited ahead. Locks the address's row first, as {@link #add} does.
     */
    void forgive(Jdbc jdbc, String address, int points, Instant now, Instant windowStart) throws SQLException {
        jdbc.update("INSERT INTO defender_scores (address, last_offence, cleared_at) VALUES (?, ?, 0) "
                + "ON CONFLICT (address) DO UPDATE SET last_offence = excluded.last_offence", address,
                now.toEpochMilli());
        if (score(jdbc, address, windowStart) >= points) {
            jdbc.update("INSERT INTO defender_offences (address, points, occurred_at) VALUES (?, ?, ?)", address,
                    -points, now.toEpochMilli());
        }
    }

    private static int score(Jdbc jdbc, String address, Instant windowStart) throws SQLException {
        return (int) jdbc.count("SELECT COALESCE(SUM(o.points), 0) FROM defender_offences o "
                + "JOIN defender_scores s ON s.address = o.address WHERE o.address = ? AND o.occurred_at >= ? "
                + "AND o.occurred_at > s.cleared_at", address, windowStart.toEpochMilli());
    }

    /** Forgets the address's offences up to {@code now}: it was just banned, or an administrator lifted its ban. */
    void clear(Jdbc jdbc, String address, Instant now) throws SQLException {
        jdbc.update("UPDATE defender_scores SET cleared_at = ? WHERE address = ?", now.toEpochMilli(), address);
    }

    /**
     * Deletes offences older than the window, and the rows of addresses with none left. Its own transaction: it
     * locks only rows no scorer locks (old offences, addresses without a recent one), so it never deadlocks one.
     */
    void sweep(Jdbc jdbc, Instant windowStart) throws SQLException {
        jdbc.update("DELETE FROM defender_offences WHERE occurred_at < ?", windowStart.toEpochMilli());
        jdbc.update("DELETE FROM defender_scores WHERE last_offence < ?", windowStart.toEpochMilli());
    }
}
