package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kek_versions} table (V24, V28): each tenant's KEK versions, their states and key checks, as every node
 * sees them.
 */
final class KekVersionRepository {

    private final TenantRepository tenants = new TenantRepository();

    KekVersions find(Jdbc jdbc, String kekTenant) throws SQLException {
        Map<Integer, KekVersionState> states = new TreeMap<>();
        Map<Integer, String> checks = new TreeMap<>();
        for (Row row : jdbc.query("SELECT version, state, kek_check FROM kek_versions WHERE kek_tenant = ?",
                r -> new Row(kekTenant, r.getInt(1), KekVersionState.valueOf(r.getString(2)), r.getString(3)),
                kekTenant)) {
            row.into(states, checks);
        }
        return new KekVersions(kekTenant, states, checks);
    }

    /** Every tenant's record, by tenant, for a report ({@code vaultgate doctor}); tenants without one are absent. */
    Map<String, KekVersions> all(Jdbc jdbc) throws SQLException {
        Map<String, Map<Integer, KekVersionState>> states = new TreeMap<>();
        Map<String, Map<Integer, String>> checks = new TreeMap<>();
        for (Row row : jdbc.query("SELECT kek_tenant, version, state, kek_check FROM kek_versions",
                r -> new Row(r.getString(1), r.getInt(2), KekVersionState.valueOf(r.getString(3)), r.getString(4)))) {
            row.into(states.computeIfAbsent(row.kekTenant(), tenant -> new TreeMap<>()),
                    checks.computeIfAbsent(row.kekTenant(), tenant -> new TreeMap<>()));
        }
        Map<String, KekVersions> all = new TreeMap<>();
        states.forEach((tenant, versions) -> all.put(tenant, new KekVersions(tenant, versions, checks.get(tenant))));
        return all;
    }

    /**
     * Records the key check of a version that has none ({@link KekChecks}); false, changing nothing, when the
     * catalog holds one already (another node's, which the caller verifies) or lacks the version.
     */
    boolean fillCheck(Jdbc jdbc, String kekTenant, int version, String check) throws SQLException {
        return jdbc.update("UPDATE kek_versions SET kek_check = ? WHERE kek_tenant = ? AND version = ? "
                + "AND kek_check IS NULL", check, kekTenant, version) == 1;
    }

    /**
     * How many data keys the catalog holds wrapped by any version of the tenant's KEK ({@code key_slots}: committed
     * files and uploads in progress): what a new key of the tenant in place of the one they were wrapped with would
     * leave unreadable.
     */
    long wrappedKeys(Jdbc jdbc, String kekTenant) throws SQLException {
        return jdbc.count(WRAPPED_KEYS, kekTenant);
    }

    /** {@link #wrappedKeys}: a range of the index {@code key_slots_by_kek} (V30). */
    static final String WRAPPED_KEYS = "SELECT COUNT(*) FROM key_slots WHERE kek_tenant = ?";

    /** {@link #slots}: a range of the index {@code key_slots_by_kek} (V30), read in its order up to the limit. */
    static final String SLOTS = "SELECT file_id, wrapped FROM key_slots WHERE kek_tenant = ? AND kek_version = ? "
            + "AND provider = ? ORDER BY file_id LIMIT ?";

    /**
     * A key slot of a file's data key as stored, with the file it belongs to (its wrap's context): decoded only by
     * {@link #slot}, so a damaged one fails there, for its own slot, and not the query of all of them.
     */
    record FileSlot(String fileId, String provider, KekId kek, String wrapped) {

        /**
         * The slot.
         *
         * @throws IllegalArgumentException where the stored slot is not base64, or of no wrapped key's length
         */
        KeySlot slot() {
            return new KeySlot(provider, kek, Base64.getDecoder().decode(wrapped));
        }
    }

    /**
     * Up to {@code limit} key slots of the tenant's data (files and uploads in progress) that {@code provider} wrapped
     * with {@code version} of the tenant's KEK, in file id order, undecoded.
     */
    List<FileSlot> slots(Jdbc jdbc, String kekTenant, String provider, int version, int limit) throws SQLException {
        KekId kek = new KekId(kekTenant, version);
        return jdbc.query(SLOTS, row -> new FileSlot(row.getString(1), provider, kek, row.getString(2)), kekTenant,
                version, provider, limit);
    }

    /**
     * How many data keys the catalog holds wrapped by any version of the tenant's KEK, counted up to {@code limit}:
     * {@link #wrappedKeys} reading at most {@code limit} entries of its index range, whatever the tenant stores.
     */
    long wrappedKeys(Jdbc jdbc, String kekTenant, long limit) throws SQLException {
        return jdbc.count(WRAPPED_KEYS_UP_TO, kekTenant, limit);
    }

    /** {@link #wrappedKeys(Jdbc, String, long)}: the first entries of a range of {@code key_slots_by_kek}. */
    static final String WRAPPED_KEYS_UP_TO = "SELECT COUNT(*) FROM (SELECT file_id FROM key_slots WHERE kek_tenant = ? "
            + "LIMIT ?) counted";

    /** The lowest version of the tenant's KEK above {@code after} that wraps a key slot: one seek of the index. */
    static final String NEXT_SLOT_VERSION = "SELECT kek_version FROM key_slots WHERE kek_tenant = ? "
            + "AND kek_version > ? ORDER BY kek_version LIMIT 1";

    /** Whether a key slot of {@code provider} is under a version: one seek of the index. */
    static final String ANY_SLOT = "SELECT file_id FROM key_slots WHERE kek_tenant = ? AND kek_version = ? "
            + "AND provider = ? LIMIT 1";

    /**
     * Whether a key slot of the tenant's data that {@code provider} wrapped is under a version of its KEK not in
     * {@code held}. Reads the index {@code key_slots_by_kek} version by version (a seek to each version that wraps a
     * slot, and one to a slot of {@code provider} under each version not held), not every slot: a tenant has few
     * versions and may store millions of slots (review22c L2: a client retrying a refused upload made the gateway read
     * them all, under the tenant's row lock, every time).
     */
    boolean wrapsUnderAnotherVersion(Jdbc jdbc, String kekTenant, String provider, Collection<Integer> held)
            throws SQLException {
        int after = Integer.MIN_VALUE;
        while (true) {
            List<Integer> next = jdbc.query(NEXT_SLOT_VERSION, row -> row.getInt(1), kekTenant, after);
            if (next.isEmpty()) {
                return false;
            }
            int version = next.get(0);
            if (!held.contains(version)
                    && !jdbc.query(ANY_SLOT, row -> row.getString(1), kekTenant, version, provider).isEmpty()) {
                return true;
            }
            after = version;
        }
    }

    /** One row of {@code kek_versions}. */
    private record Row(String kekTenant, int version, KekVersionState state, String check) {

        void into(Map<Integer, KekVersionState> states, Map<Integer, String> checks) {
            states.put(version, state);
            if (check != null) {
                checks.put(version, check);
            }
        }
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
