package io.vaultgate.core.storage;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The catalog's side of {@link StoreIdentity}: the {@code store_identity} row (V33) and what proves a store. */
final class StoreIdentityRecords {

    /**
     * The recorded id; {@code confirmed} once a start has read it back from the store's marker; {@code age} since a
     * start recorded it (or took it over), on the catalog's clock, which every node reads alike (review26a M2: each
     * node's own clock made a node running a minute ahead take a fresh id over).
     */
    record Recorded(StoreId id, boolean confirmed, Duration age) {
    }

    /** A committed file's object. */
    record StoredObject(TenantId tenant, ObjectId id) {
    }

    Optional<Recorded> read(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT store_id, confirmed_at, " + jdbc.dialect().nowMillis() + " - recorded_at "
                + "FROM store_identity WHERE id = 1", row -> new Recorded(new StoreId(row.getString(1)),
                row.getObject(2) != null, Duration.ofMillis(row.getLong(3))));
    }

    /**
     * Records {@code id}, at the catalog's time, unless an id is recorded already (another node's, starting at the
     * same time).
     */
    void recordIfAbsent(Jdbc jdbc, StoreId id) throws SQLException {
        jdbc.update("INSERT INTO store_identity (id, store_id, recorded_at) VALUES (1, ?, " + jdbc.dialect().nowMillis()
                + ") ON CONFLICT (id) DO NOTHING", id.value());
    }

    /**
     * Replaces the unconfirmed id {@code stale} (its start stopped before confirming it) by {@code fresh}; false when
     * the row no longer holds {@code stale} unconfirmed (another start took it over, or confirmed it, first).
     */
    boolean takeOver(Jdbc jdbc, StoreId stale, StoreId fresh) throws SQLException {
        return jdbc.update("UPDATE store_identity SET store_id = ?, recorded_at = " + jdbc.dialect().nowMillis()
                + " WHERE id = 1 AND store_id = ? AND confirmed_at IS NULL", fresh.value(), stale.value()) == 1;
    }

    /**
     * Confirms {@code id}, at the catalog's time (as it was recorded); false when the row does not hold it unconfirmed
     * (confirmed already, or taken over).
     */
    boolean confirm(Jdbc jdbc, StoreId id) throws SQLException {
        return jdbc.update("UPDATE store_identity SET confirmed_at = " + jdbc.dialect().nowMillis() + " WHERE id = 1 "
                + "AND store_id = ? AND confirmed_at IS NULL", id.value()) == 1;
    }

    /**
     * Records {@code id} confirmed in place of {@code before}, the row as read ({@code vaultgate store adopt}); false
     * when the row changed since (a node recorded, took over or confirmed an id meanwhile: review26a L8).
     */
    boolean replace(Jdbc jdbc, Optional<Recorded> before, StoreId id, Instant now) throws SQLException {
        long millis = now.toEpochMilli();
        if (before.isEmpty()) {
            return jdbc.update("INSERT INTO store_identity (id, store_id, recorded_at, confirmed_at) VALUES (1, ?, ?, ?) "
                    + "ON CONFLICT (id) DO NOTHING", id.value(), millis, millis) == 1;
        }
        return jdbc.update("UPDATE store_identity SET store_id = ?, recorded_at = ?, confirmed_at = ? WHERE id = 1 "
                + "AND store_id = ? AND confirmed_at IS " + (before.get().confirmed() ? "NOT NULL" : "NULL"),
                id.value(), millis, millis, before.get().id().value()) == 1;
    }

    /** Whether the catalog lists any file, in whatever state. */
    boolean anyFile(Jdbc jdbc) throws SQLException {
        return jdbc.queryOne("SELECT 1 FROM files LIMIT 1", row -> Boolean.TRUE).isPresent();
    }

    /** The objects of the {@code limit} files committed last (one scan of the catalog's files, at an upgrade). */
    List<StoredObject> lastCommitted(Jdbc jdbc, int limit) throws SQLException {
        return jdbc.query("SELECT tenant_id, object_id FROM files WHERE state = 'COMMITTED' ORDER BY updated_at DESC, "
                        + "id LIMIT ?", row -> new StoredObject(TenantId.of(row.getString(1)),
                        new ObjectId(row.getString(2))), limit);
    }
}
