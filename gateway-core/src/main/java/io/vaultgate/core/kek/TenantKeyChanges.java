package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * A change of a tenant's keys made on this node, kept in step with the catalog's record: before it, under the
 * tenant's row lock, this node's keystore must not be behind the catalog (its change would fork the versions, a
 * second, different version N of the tenant's KEK) and its active version must be the catalog's key ({@link
 * KeystoreForked}); both refused {@code CONFLICT}, telling the administrator the cause and the fix. This node's
 * active version, where the catalog lacks it (a rotation here whose recording failed), is recorded with its key check
 * first: another node must not then record a different key under its number.
 */
final class TenantKeyChanges {

    private final KeyProvider keys;
    private final NodeKeys node;
    private final KekRecorder recorder;
    private final KekChecks checks;
    private final KekRefusals refusals;
    private final Clock clock;
    private final KekVersionRepository versions = new KekVersionRepository();

    TenantKeyChanges(KeyProvider keys, NodeKeys node, KekRecorder recorder, KekChecks checks, KekRefusals refusals,
                     Clock clock) {
        this.keys = keys;
        this.node = node;
        this.recorder = recorder;
        this.checks = checks;
        this.refusals = refusals;
        this.clock = clock;
    }

    /**
     * Before a change of the tenant's keys that another class makes on this node (a rewrap, which moves every file to this node's active
     * version; a disabled version), in the caller's transaction.
     */
    void requireNotBehind(Jdbc jdbc, String tenant) throws SQLException {
        versions.lock(jdbc, tenant);
        int here = inStepHere(jdbc, tenant, versions.find(jdbc, tenant));
        refusals.inStep(tenant, here);
    }

    /**
     * Rotates the tenant's KEK on this node and records the new version, in the caller's transaction under the
     * tenant's row lock: so two nodes rotating the same tenant at once never both make a version N (each its own key,
     * the other's files unreadable to it). The second waits for the first, then finds its keystore behind the version
     * the first recorded and is refused ({@code CONFLICT}, {@link KeystoreBehindCatalog}: copy the first node's
     * keystore, then rotate again if still wanted) before its keystore changes. Refused as forked too, before the
     * keystore changes, where a rotation here failed to be recorded and another node's made that version since.
     *
     * <p>Whatever the catalog holds of this node's versions holds their checks: the active version's first, then the
     * new version with its own. The keystore is written before the transaction commits; if the commit fails, the new
     * version is this node's unrecorded one: its next upload or rotation of the tenant records it, and until then
     * another node's rotation makes its own, which this node then refuses as forked. Returns the new active version.
     */
    KekId rotate(Jdbc jdbc, String tenant) throws SQLException {
        versions.lock(jdbc, tenant);
        KekVersions recorded = versions.find(jdbc, tenant);
        if (recorded.destroyed()) { // shredded on another node since the caller read the tenant's status
            throw new GatewayException(Reason.CONFLICT, "tenant " + tenant + " was shredded: its KEK versions are "
                    + "destroyed, and no new one is made");
        }
        int here = inStepHere(jdbc, tenant, recorded);
        int next = here + 1;
        long now = clock.millis();
        if (!versions.reserve(jdbc, tenant, next, now)) { // the lock prevents it; the key (tenant, version) too
            throw new GatewayException(Reason.CONFLICT, "KEK version " + next + " of tenant " + tenant + " was "
                    + "recorded by another node meanwhile; " + refusals.remedy().from("that node") + "; then rotate "
                    + "again if still needed");
        }
        KekId active = keys.rotate(tenant);
        checks.forget(tenant);
        if (active.version() != next) { // rolls back the reservation; the keystore holds an unrecorded version
            throw new IllegalStateException("this node's " + refusals.remedy().store() + " rotated tenant " + tenant
                    + " to " + active + ", not to version " + next + " as recorded in the catalog");
        }
        versions.record(jdbc, tenant, KekVersions.heldBy(keys, tenant).states(), now);
        recorder.fillCheck(jdbc, active);
        refusals.inStep(tenant, here); // verified before the rotation
        refusals.inStep(tenant, active.version());
        return active;
    }

    /**
     * Records {@code kek}, a retired version of the tenant, disabled in the catalog, in the caller's transaction under
     * the tenant's row lock, before this node's keystore changes (the caller appends the audit record in this
     * transaction, then disables the version in the keystore: {@code KeyRotation#disable}). The catalog's record is
     * what refuses the version's unwraps on every node ({@link KekCatalog#requireUsable}), so the fact and its record
     * commit together; a crash after the commit leaves the version enabled in this node's keystore only, as on a node
     * whose keystore copy is behind, which the node's next start completes ({@link DisableCompletion}), as does the
     * command run again: it finds it {@link KekCatalog.Disabling#RECORDED_BEFORE} and completes the keystore.
     *
     * @throws GatewayException CONFLICT for the active version, for a version that still wraps a key slot, where this
     *     node is behind the catalog or forked, and for a shredded tenant; NOT_FOUND for a version neither recorded nor
     *     held here, and for one disabled here and in the catalog already (nothing left to do)
     */
    KekCatalog.Disabling disable(Jdbc jdbc, KekId kek) throws SQLException {
        String tenant = kek.tenantId();
        versions.lock(jdbc, tenant);
        KekVersions recorded = versions.find(jdbc, tenant);
        if (recorded.destroyed()) { // shredded on another node since the caller read the tenant's status
            throw new GatewayException(Reason.CONFLICT, "tenant " + tenant + " was shredded: its KEK versions are "
                    + "destroyed");
        }
        int here = inStepHere(jdbc, tenant, recorded); // records this node's unrecorded versions first
        refusals.inStep(tenant, here);
        recorded = versions.find(jdbc, tenant);
        if (kek.version() == Math.max(here, recorded.active())) {
            throw new GatewayException(Reason.CONFLICT, kek + " is the active KEK version; rotate first");
        }
        KekVersionState state = recorded.states().get(kek.version());
        boolean enabledHere = keys.versions(tenant).contains(kek.version())
                && !keys.disabledVersions(tenant).contains(kek.version());
        if (state == KekVersionState.DISABLED) {
            if (!enabledHere) {
                throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " has no enabled KEK version "
                        + kek.version() + " (it is disabled)");
            }
            return KekCatalog.Disabling.RECORDED_BEFORE;
        }
        if (state == null && !keys.versions(tenant).contains(kek.version())) {
            throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " has no enabled KEK version "
                    + kek.version());
        }
        long used = jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = ? AND kek_version = ?", tenant,
                kek.version());
        if (used > 0) {
            throw new GatewayException(Reason.CONFLICT, used + " key slots of tenant " + tenant + " are still "
                    + "wrapped by " + kek + "; re-wrap them first (vaultgate keys rewrap)");
        }
        versions.record(jdbc, tenant, Map.of(kek.version(), KekVersionState.DISABLED), clock.millis());
        return KekCatalog.Disabling.RECORDED;
    }

    /**
     * This node's active version of the tenant, verified in step with {@code recorded} (read under the tenant's row
     * lock): refused where the node is behind it or holds another key under that version number; recorded with its
     * key check where the catalog lacks it (a rotation of this node whose recording failed).
     */
    private int inStepHere(Jdbc jdbc, String tenant, KekVersions recorded) throws SQLException {
        int here = node.active(tenant, recorded.active());
        if (here < recorded.active()) {
            throw refusals.behind(tenant, recorded.active(), here).toAdministrator();
        }
        if (here > recorded.active()) { // unrecorded here: a rotation of this node whose recording failed
            recorded = recorder.completed(jdbc, recorded, TenantKeyMismatch::toAdministrator);
        }
        if (!recorder.checked(jdbc, recorded, here)) {
            throw refusals.forked(tenant, here).toAdministrator();
        }
        return here;
    }
}
