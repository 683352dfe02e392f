package io.vaultgate.core.defender;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code defender_offences} table: points scored by source addresses, shared by every node through the
 * catalog, so an address is banned once its offences on all nodes together reach the threshold. Rows older than
 * the observation window are deleted by the next offence, so the table holds one window's offences at most.
 */
final class OffenceStore {

    /** Records {@code points} for {@code address} at {@code now}; returns its total since {@code windowStart}. */
    int add(Jdbc jdbc, String address, int points, Instant now, Instant windowStart) throws SQLException {
        jdbc.update("DELETE FROM defender_offences WHERE occurred_at < ?", windowStart.toEpochMilli());
        jdbc.update("INSERT INTO defender_offences (address, points, occurred_at) VALUES (?, ?, ?)", address, points,
                now.toEpochMilli());
        return (int) jdbc.count("SELECT COALESCE(SUM(points), 0) FROM defender_offences WHERE address = ? "
                + "AND occurred_at >= ?", address, windowStart.toEpochMilli());
    }

    /** Forgets the address's offences: it was just banned, or an administrator lifted its ban. */
    void clear(Jdbc jdbc, String address) throws SQLException {
        jdbc.update("DELETE FROM defender_offences WHERE address = ?", address);
    }
}
