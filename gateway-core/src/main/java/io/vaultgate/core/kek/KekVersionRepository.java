package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** The {@code kek_versions} table (V24): each tenant's KEK versions and their states, as every node sees them. */
final class KekVersionRepository {

    private final TenantRepository tenants = new TenantRepository();

    KekVersions find(Jdbc jdbc, String kekTenant) throws SQLException {
        Map<Integer, KekVersionState> states = new TreeMap<>();
        for (Map.Entry<Integer, KekVersionState> row : jdbc.query("SELECT version, state FROM kek_versions "
                + "WHERE kek_tenant = ?", r -> Map.entry(r.getInt(1), KekVersionState.valueOf(r.getString(2))),
                kekTenant)) {
            states.put(row.getKey(), row.getValue());
        }
        return new KekVersions(kekTenant, states);
    }

    /** Every tenant's record, by tenant, for a report ({@code vaultgate doctor}); tenants without one are absent. */
    Map<String, KekVersions> all(Jdbc jdbc) throws SQLException {
        Map<String, Map<Integer, KekVersionState>> rows = new TreeMap<>();
        for (Map.Entry<String, Map.Entry<Integer, KekVersionState>> row : jdbc.query("SELECT kek_tenant, version, "
                + "state FROM kek_versions", r -> Map.entry(r.getString(1), Map.entry(r.getInt(2),
                KekVersionState.valueOf(r.getString(3)))))) {
            rows.computeIfAbsent(row.getKey(), tenant -> new TreeMap<>()).put(row.getValue().getKey(),
                    row.getValue().getValue());
        }
        Map<String, KekVersions> all = new TreeMap<>();
        rows.forEach((tenant, states) -> all.put(tenant, new KekVersions(tenant, states)));
        return all;
    }

    /**
     * Takes the tenant's row lock, as an upload opening does: what records a version under it orders with every
     * upload's check of the record and with other nodes' changes. Nothing on SQLite, whose writers never interleave.
     */
    void lock(Jdbc jdbc, String kekTenant) throws SQLException {
        tenants.lockNames(jdbc, TenantId.of(kekTenant));
    }

    /** Records a new version ENABLED; false, recording nothing, when the catalog has the version already. */
    boolean reserve(Jdbc jdbc, String kekTenant, int version, long now) throws SQLException {
        return jdbc.update("INSERT INTO kek_versions (kek_tenant, version, state, changed_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (kek_tenant, version) DO NOTHING", kekTenant, version, KekVersionState.ENABLED.name(),
                now) == 1;
    }

    /**
     * Records each version in its state, unless the catalog holds it in a stricter one. Under the tenant's row lock,
     * which an upload holds while it checks its data key against this record: the upload either committed before
     * the change (so a rewrap after it finds the upload's key slot) or reads the change.
     */
    void record(Jdbc jdbc, String kekTenant, Map<Integer, KekVersionState> states, long now) throws SQLException {
        lock(jdbc, kekTenant);
        for (Map.Entry<Integer, KekVersionState> version : states.entrySet()) {
            KekVersionState state = version.getValue();
            jdbc.update("INSERT INTO kek_versions (kek_tenant, version, state, changed_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (kek_tenant, version) DO NOTHING", kekTenant, version.getKey(), state.name(), now);
            for (KekVersionState weaker : KekVersionState.values()) {
                if (state.stricterThan(weaker)) {
                    jdbc.update("UPDATE kek_versions SET state = ?, changed_at = ? WHERE kek_tenant = ? "
                            + "AND version = ? AND state = ?", state.name(), now, kekTenant, version.getKey(),
                            weaker.name());
                }
            }
        }
    }

    /** Marks every version of the tenant destroyed: those recorded and those named. */
    void destroy(Jdbc jdbc, String kekTenant, Iterable<Integer> versions, long now) throws SQLException {
        Map<Integer, KekVersionState> named = new TreeMap<>();
        versions.forEach(version -> named.put(version, KekVersionState.DESTROYED));
        record(jdbc, kekTenant, named, now);
        jdbc.update("UPDATE kek_versions SET state = ?, changed_at = ? WHERE kek_tenant = ? AND state <> ?",
                KekVersionState.DESTROYED.name(), now, kekTenant, KekVersionState.DESTROYED.name());
    }
}
