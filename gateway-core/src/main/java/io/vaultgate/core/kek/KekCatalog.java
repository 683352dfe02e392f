package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps this node's keystore and the catalog's record of each tenant's KEK versions ({@code kek_versions}) in step,
 * and fails closed where they disagree. With the keystore provider every node of a scale-out holds its own copy of
 * {@code keys/kek.p12}, and a change of a tenant's keys changes the copy of the node that made it only; the catalog,
 * shared, learns of every change in the operation that makes it ({@link #recordHeld}, {@link #recordDestroyed}).
 * So a node whose copy is behind is found out: it refuses to wrap new data keys with a version older than the
 * catalog's active one ({@link #requireCurrent}, in the upload's opening transaction), to unwrap with a version the
 * catalog marks disabled or destroyed ({@link #requireUsable}), and to change the tenant's keys
 * ({@link #requireNotBehind}), until the keystore file is copied to it.
 *
 * <p>What the catalog lacks and the node's keystore holds (a catalog from before V24, a change whose recording
 * failed) is recorded by the first node that meets it, never refused: an upgrade locks nobody out.
 */
public final class KekCatalog {

    private final Database database;
    private final KeyProvider keys;
    private final KekRefusals refusals;
    private final Clock clock;
    private final KekVersionRepository versions = new KekVersionRepository();

    /** @param keys this node's key provider */
    public KekCatalog(Database database, KeyProvider keys, KekRefusals refusals, Clock clock) {
        this.database = database;
        this.keys = keys;
        this.refusals = refusals;
        this.clock = clock;
    }

    /**
     * In an upload's opening transaction, under the tenant's row lock: refuses a data key wrapped by a KEK version
     * older than the catalog's active one ({@link KeystoreBehindCatalog}), and records this node's versions when
     * the catalog knows fewer.
     */
    public void requireCurrent(Jdbc jdbc, KekId wrappedWith) throws SQLException {
        String tenant = wrappedWith.tenantId();
        KekVersions recorded = versions.find(jdbc, tenant);
        if (wrappedWith.version() > recorded.active()) {
            recorded = completed(jdbc, recorded);
        }
        if (wrappedWith.version() >= recorded.active()) {
            return;
        }
        int here = activeHere(tenant);
        if (here >= recorded.active()) { // wrapped just before this node rotated: not behind, and a retry works
            throw new GatewayException(Reason.UNAVAILABLE, KeystoreBehindCatalog.CLIENT_MESSAGE, "the upload's data "
                    + "key was wrapped by " + wrappedWith + " just before this node rotated to version " + here, null);
        }
        throw refusals.behind(tenant, recorded.active(), here).refusal();
    }

    /**
     * Before unwrapping with {@code kek}, in the read of its key slot: refuses a version the catalog marks disabled,
     * or any of a tenant it marks destroyed ({@link CryptoException.KeyDisabled}, {@link
     * CryptoException.KeyDestroyed}), and a version the catalog records but this node's keystore lacks
     * ({@link KeystoreBehindCatalog}).
     */
    public void requireUsable(Jdbc jdbc, KekId kek) throws SQLException {
        KekVersions recorded = versions.find(jdbc, kek.tenantId());
        Optional<KekVersionState> refusal = recorded.refusal(kek.version());
        if (refusal.isPresent()) {
            throw refusals.unwrap(kek, refusal.get());
        }
        if (recorded.states().containsKey(kek.version()) && !keys.versions(kek.tenantId()).contains(kek.version())
                && !destroyedHere(kek.tenantId())) { // destroyed here: the provider's own refusal, final, stands
            throw refusals.behind(kek.tenantId(), recorded.active(), activeHere(kek.tenantId())).refusal();
        }
    }

    /**
     * Before a change of the tenant's keys made on this node (a rotation, a rewrap): refuses when its keystore is
     * behind the catalog, whose versions it would fork (a second, different version N of the tenant's KEK):
     * {@code CONFLICT}, telling the administrator the cause and the fix.
     */
    public void requireNotBehind(String tenant) {
        KekVersions recorded = database.read(jdbc -> versions.find(jdbc, tenant));
        int here = activeHere(tenant);
        if (here < recorded.active()) {
            throw refusals.behind(tenant, recorded.active(), here).toAdministrator();
        }
    }

    /**
     * Rotates the tenant's KEK on this node and records the new version, in one transaction under the tenant's row
     * lock: so two nodes rotating the same tenant at once never both make a version N (each its own key, the other's
     * files unreadable to it). The second waits for the first, then finds its keystore behind the version the first
     * recorded and is refused ({@code CONFLICT}, {@link KeystoreBehindCatalog}: copy the first node's keystore, then
     * rotate again if still wanted) before its keystore changes.
     */
    public KekId rotate(String tenant) {
        return database.inTransaction(jdbc -> rotate(jdbc, tenant));
    }

    /** {@link #rotate(String)} in the caller's transaction. */
    KekId rotate(Jdbc jdbc, String tenant) throws SQLException {
        versions.lock(jdbc, tenant);
        KekVersions recorded = versions.find(jdbc, tenant);
        if (recorded.destroyed()) { // shredded on another node since the caller read the tenant's status
            throw new GatewayException(Reason.CONFLICT, "tenant " + tenant + " was shredded: its KEK versions are "
                    + "destroyed, and no new one is made");
        }
        int here = activeHere(tenant);
        if (here < recorded.active()) {
            throw refusals.behind(tenant, recorded.active(), here).toAdministrator();
        }
        int next = here + 1;
        long now = clock.millis();
        if (!versions.reserve(jdbc, tenant, next, now)) { // the lock prevents it; the key (tenant, version) too
            throw new GatewayException(Reason.CONFLICT, "KEK version " + next + " of tenant " + tenant + " was "
                    + "recorded by another node meanwhile; copy keys/kek.p12 from that node, then rotate again if "
                    + "still needed");
        }
        KekId active = keys.rotate(tenant);
        if (active.version() != next) { // rolls back the reservation; the keystore holds an unrecorded version
            throw new IllegalStateException("this node's keystore rotated tenant " + tenant + " to " + active
                    + ", not to version " + next + " as recorded in the catalog");
        }
        versions.record(jdbc, tenant, KekVersions.heldBy(keys, tenant).states(), now);
        return active;
    }

    /**
     * Before wrapping with the gateway's own KEK {@code kek} (not a tenant's: {@code vaultgate.mfa}, which wraps TOTP
     * secrets), in the caller's transaction; returns its active version. Such a KEK is made on first use by whichever
     * node needs it: unrecorded, two nodes would each make their own version 1, and a secret enrolled on one would
     * unwrap on no other, nor on its own node once another's keystore is copied over it. Refuses ({@code CONFLICT},
     * {@link KeystoreBehindCatalog}) when the catalog records a version this node's keystore lacks, or another node
     * records version 1 meanwhile; otherwise records version 1 before making it, and what this node holds.
     */
    public KekId ensureGatewayKek(Jdbc jdbc, String kek) throws SQLException {
        KekVersions recorded = versions.find(jdbc, kek);
        List<Integer> here = keys.versions(kek);
        long now = clock.millis();
        if (!here.containsAll(recorded.states().keySet()) || here.isEmpty()
                && !versions.reserve(jdbc, kek, 1, now) && keys.versions(kek).isEmpty()) {
            // it lacks a recorded version, or another node recorded version 1 first (not a thread of this node)
            throw refusals.behind(kek, Math.max(1, recorded.active()), activeHere(kek)).toAdministrator();
        }
        KekId active = keys.ensureTenant(kek);
        for (int version : keys.versions(kek)) {
            versions.reserve(jdbc, kek, version, now);
        }
        return active;
    }

    /**
     * Every tenant's KEK versions as the catalog records them, by tenant: what {@code vaultgate doctor} compares a
     * node's keystore copy with, without opening it (so without the master secret).
     */
    public static Map<String, KekVersions> recorded(Database database) {
        return database.read(new KekVersionRepository()::all);
    }

    /** After a change made here (the tenant's creation, a rotation, a disabled version): records what it holds. */
    public void recordHeld(String tenant) {
        Map<Integer, KekVersionState> held = KekVersions.heldBy(keys, tenant).states();
        database.inTransaction(jdbc -> {
            versions.record(jdbc, tenant, held, clock.millis());
            return null;
        });
    }

    /**
     * When the tenant's keys are destroyed here (a shred), before the keystore is changed: every version, those
     * recorded and those this node holds, is refused on every node from now on, whatever its keystore copy holds.
     */
    public void recordDestroyed(String tenant) {
        List<Integer> held = keys.versions(tenant);
        database.inTransaction(jdbc -> {
            versions.destroy(jdbc, tenant, held, clock.millis());
            return null;
        });
    }

    /** The record, completed with what this node's keystore holds and the catalog lacked. */
    private KekVersions completed(Jdbc jdbc, KekVersions recorded) throws SQLException {
        Map<Integer, KekVersionState> news = recorded.newIn(KekVersions.heldBy(keys, recorded.kekTenant()));
        if (news.isEmpty()) {
            return recorded;
        }
        versions.record(jdbc, recorded.kekTenant(), news, clock.millis());
        return versions.find(jdbc, recorded.kekTenant());
    }

    /** Whether this node's keystore destroyed the tenant's keys (a shred made here, whatever the catalog says). */
    private boolean destroyedHere(String tenant) {
        try {
            keys.active(tenant);
            return false;
        } catch (CryptoException.KeyDestroyed destroyed) {
            return true;
        } catch (CryptoException.KeyNotFound none) {
            return false;
        }
    }

    /** The newest enabled version in this node's keystore, 0 when it holds none of the tenant. */
    private int activeHere(String tenant) {
        try {
            return keys.active(tenant).version();
        } catch (CryptoException.KeyNotFound | CryptoException.KeyDestroyed none) {
            return 0;
        }
    }
}
