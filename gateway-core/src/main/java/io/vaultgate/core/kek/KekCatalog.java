package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditLog;
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
 * shared, learns of every change in the operation that makes it ({@link TenantKeyCreation#createFirst}, {@link
 * #rotate}, {@link #disable}, {@link #recordDestroyed}).
 * So a node whose copy is behind is found out: it refuses to wrap new data keys with a version older than the
 * catalog's active one ({@link #requireCurrent}, in the upload's opening transaction), to unwrap with a version the
 * catalog marks disabled or destroyed ({@link #requireUsable}), and to change the tenant's keys
 * ({@link #requireNotBehind}), until the keystore file is copied to it.
 *
 * <p>What the catalog lacks and the node's keystore holds (a catalog from before V24, a change whose recording
 * failed) is recorded by the first node that meets it, never refused: an upgrade locks nobody out. The one
 * exception: a tenant the catalog records no version of while data keys of it are stored is recorded from this node
 * only where its key opens them ({@link TenantKeyProof}), as {@code tenant add} completes it.
 *
 * <p>A version is recorded with a key check ({@link KekChecks}, V28) of the key that node holds, and every node
 * verifies its own key against it before it wraps with the version (an upload's opening, a rewrap, a rotation), and
 * before it unwraps with it: so a second, different key under the same version number (a rotation here wrote the
 * keystore but its recording failed or the node stopped, then another node rotated and recorded its own) is refused
 * ({@link KeystoreForked}), never used to wrap data no other node could read. Only the active version wraps, so its
 * check is the one that matters: a row without one (before V28) gets this node's when it first wraps with it.
 */
public final class KekCatalog {

    private final Database database;
    private final KeyProvider keys;
    private final KekRefusals refusals;
    private final Clock clock;
    private final KekVersionRepository versions = new KekVersionRepository();
    private final KekChecks checks;
    private final TenantKeyProof proof;
    private final NodeKeys node;
    private final KekRecorder recorder;
    private final TenantKeyChanges changes;

    /**
     * A catalog whose late records are not audited: for a node's read-only use of it (downloads) and tests. A node's
     * own, which records versions, is built with its audit log.
     *
     * @param keys this node's key provider
     */
    public KekCatalog(Database database, KeyProvider keys, KekRefusals refusals, Clock clock) {
        this(database, keys, refusals, clock, Optional.empty());
    }

    /**
     * @param keys  this node's key provider
     * @param audit where a version recorded late (a rotation or a disable of this node whose own record did not
     *              commit) gets its audit record, in the transaction that records it ({@link LateRecords})
     */
    public KekCatalog(Database database, KeyProvider keys, KekRefusals refusals, Clock clock, AuditLog audit) {
        this(database, keys, refusals, clock, Optional.of(audit));
    }

    private KekCatalog(Database database, KeyProvider keys, KekRefusals refusals, Clock clock,
                       Optional<AuditLog> audit) {
        this.database = database;
        this.keys = keys;
        this.refusals = refusals.advising(KeyRemedy.of(keys));
        this.clock = clock;
        this.checks = new KekChecks(keys);
        this.proof = new TenantKeyProof(keys, this.refusals);
        this.node = new NodeKeys(keys);
        this.recorder = new KekRecorder(keys, checks, proof, clock, new LateRecords(audit, clock));
        this.changes = new TenantKeyChanges(keys, node, recorder, checks, this.refusals, clock);
    }

    /**
     * In an upload's opening transaction, under the tenant's row lock: refuses a data key wrapped by a KEK version
     * older than the catalog's active one ({@link KeystoreBehindCatalog}), or by a key of this node that is not the
     * catalog's under its version number ({@link KeystoreForked}); records this node's versions when the catalog
     * knows fewer, and its key check of the version when the catalog has none. Of a tenant it records no version of,
     * only where this node's key opens the tenant's stored data keys; otherwise refused ({@link TenantKeyMismatch}).
     * A key wrapped by an older version this node's key store has since moved past is {@link WrappedWithOlderVersion}:
     * the caller wraps again.
     */
    public void requireCurrent(Jdbc jdbc, KekId wrappedWith) throws SQLException {
        String tenant = wrappedWith.tenantId();
        KekVersions recorded = versions.find(jdbc, tenant);
        if (wrappedWith.version() > recorded.active()) {
            recorded = recorder.completed(jdbc, recorded, TenantKeyMismatch::refusal);
        }
        if (wrappedWith.version() >= recorded.active()) {
            if (!recorder.checked(jdbc, recorded, wrappedWith.version())) {
                throw refusals.forked(tenant, wrappedWith.version()).refusal();
            }
            refusals.inStep(tenant, wrappedWith.version());
            return;
        }
        int here = node.active(tenant, recorded.active());
        if (here >= recorded.active()) { // its key store was re-read, or it rotated just now: not behind
            throw new WrappedWithOlderVersion(new GatewayException(Reason.UNAVAILABLE,
                    KeystoreBehindCatalog.CLIENT_MESSAGE, "the upload's data key was wrapped by " + wrappedWith
                    + " just before this node's key store moved to version " + here, null));
        }
        throw refusals.behind(tenant, recorded.active(), here).refusal();
    }

    /**
     * From {@link #requireCurrent}: the data key was wrapped by a version older than the catalog's active one, which
     * this node's key provider holds (after re-reading it, {@link KeyProvider#reload}): the provider's index was
     * behind a rotation made elsewhere (a PKCS#11 token is re-read every few seconds; {@code vaultgate keys rotate}
     * beside the node), or this node rotated just after the wrap. Not behind: a wrap now uses the active version, so
     * the caller wraps again and retries once; {@link #refusal} ({@code 503}) if it cannot.
     */
    public static final class WrappedWithOlderVersion extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient GatewayException refusal;

        WrappedWithOlderVersion(GatewayException refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }

        /** The refusal to give when a retry is not made or meets this again: unavailable, retry later. */
        public GatewayException refusal() {
            return refusal;
        }
    }

    /**
     * Before unwrapping with {@code kek}, in the read of its key slot: refuses a version the catalog marks disabled,
     * or any of a tenant it marks destroyed ({@link CryptoException.KeyDisabled}, {@link
     * CryptoException.KeyDestroyed}), and a version the catalog records but this node's keystore lacks
     * ({@link KeystoreBehindCatalog}), or whose key here is not the catalog's ({@link KeystoreForked}: its unwraps
     * would fail authentication, as if the file had been tampered with).
     */
    public void requireUsable(Jdbc jdbc, KekId kek) throws SQLException {
        KekVersions recorded = versions.find(jdbc, kek.tenantId());
        Optional<KekVersionState> refusal = recorded.refusal(kek.version());
        if (refusal.isPresent()) {
            throw refusals.unwrap(kek, refusal.get());
        }
        if (recorded.states().containsKey(kek.version()) && !node.holds(kek)
                && !node.destroyed(kek.tenantId())) { // destroyed here: the provider's own refusal, final, stands
            throw refusals.behind(kek.tenantId(), recorded.active(), node.active(kek.tenantId())).refusal();
        }
        KekChecks.Verdict verdict = checks.verify(kek, recorded.check(kek.version()));
        if (verdict == KekChecks.Verdict.FORKED) {
            throw refusals.forked(kek.tenantId(), kek.version()).refusal();
        }
        if (verdict == KekChecks.Verdict.SAME) { // ends findings about this version only (KekOutOfStep)
            refusals.inStep(kek.tenantId(), kek.version());
        }
    }

    /**
     * The refusal of a wrap that found no key of the tenant in this node's keystore ({@code none}): where the catalog
     * records a version of it (the tenant was created, or its keys changed, on another node whose keystore was not
     * copied here), this node is behind ({@link KeystoreBehindCatalog}, counted and logged as every such refusal);
     * where it records none, {@code none} itself (a tenant whose creation never made a key: create it again).
     */
    public RuntimeException lacking(String tenant, RuntimeException none) {
        int active = database.read(jdbc -> versions.find(jdbc, tenant)).active();
        if (active == 0) {
            return none;
        }
        return refusals.behind(tenant, active, node.active(tenant, active)).refusal();
    }

    /**
     * Before a change of the tenant's keys made on this node (a rewrap, a disabled version): refuses when its keystore
     * is behind the catalog, whose versions it would fork (a second, different version N of the tenant's KEK):
     * {@code CONFLICT}, telling the administrator the cause and the fix; and when its active version's key is not the
     * catalog's ({@link KeystoreForked}), to which a rewrap would move every file. Records this node's active version,
     * with its key check, where the catalog lacks it (a rotation here whose recording failed): a rewrap moves slots to
     * it, and another node must not then record a different key under its number.
     */
    public void requireNotBehind(String tenant) {
        database.inTransaction(jdbc -> {
            changes.requireNotBehind(jdbc, tenant);
            return null;
        });
    }

    /**
     * Rotates the tenant's KEK on this node and records the new version, in one transaction under the tenant's row
     * lock; refused ({@code CONFLICT}) before the keystore changes where this node is behind the catalog or its active
     * version is not the catalog's key ({@link TenantKeyChanges#rotate}).
     */
    public KekId rotate(String tenant) {
        return database.inTransaction(jdbc -> changes.rotate(jdbc, tenant));
    }

    /** {@link #rotate(String)} in the caller's transaction, e.g. with its audit record ({@code KeyRotation}). */
    public KekId rotate(Jdbc jdbc, String tenant) throws SQLException {
        return changes.rotate(jdbc, tenant);
    }

    /** Tenant key creation and completion on this node, recording into this catalog. */
    public TenantKeyCreation creation() {
        return new TenantKeyCreation(this, keys, clock);
    }

    /** The proof of this node's key on a tenant's stored data keys before a first record of it. */
    TenantKeyProof proof() {
        return proof;
    }

    /** The fix this node's refusals name: its key provider's ({@link KeyRemedy#of}). */
    KeyRemedy remedy() {
        return refusals.remedy();
    }

    /** The comparison of one tenant's key with this record at the node's start ({@link KekStartupCheck}). */
    KekStartVerifier startVerifier() {
        return new KekStartVerifier(database, this, refusals, checks);
    }

    /**
     * The completion, at the node's start ({@link KekStartupCheck}), of the versions this record holds disabled and
     * this node's key store enabled: a {@code keys disable} cut off before its key store write ({@link #disable}).
     */
    DisableCompletion disableCompletion() {
        return new DisableCompletion(database, keys, node, refusals.remedy());
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
        if (!here.containsAll(recorded.states().keySet()) && keys.reload()) { // an HSM's index may be seconds old
            here = keys.versions(kek);
        }
        long now = clock.millis();
        if (!here.containsAll(recorded.states().keySet()) || here.isEmpty()
                && !versions.reserve(jdbc, kek, 1, now) && keys.versions(kek).isEmpty()) {
            // it lacks a recorded version, or another node recorded version 1 first (not a thread of this node)
            throw refusals.behind(kek, Math.max(1, recorded.active()), node.active(kek)).toAdministrator();
        }
        KekId active = keys.ensureTenant(kek);
        for (int version : keys.versions(kek)) {
            versions.reserve(jdbc, kek, version, now);
        }
        if (!recorder.checked(jdbc, versions.find(jdbc, kek), active.version())) {
            throw refusals.forked(kek, active.version()).toAdministrator();
        }
        refusals.inStep(kek, active.version());
        return active;
    }

    /**
     * Every tenant's KEK versions as the catalog records them, by tenant: what {@code vaultgate doctor} compares a
     * node's keystore copy with, without opening it (so without the master secret).
     */
    public static Map<String, KekVersions> recorded(Database database) {
        return database.read(new KekVersionRepository()::all);
    }

    /**
     * Records {@code kek}, a retired version, disabled, in the caller's transaction under the tenant's row lock and
     * before this node's keystore changes: the caller appends its audit record in the same transaction and, after the
     * commit, disables the version in the keystore ({@link TenantKeyChanges#disable}). {@link
     * Disabling#RECORDED_BEFORE} where the catalog records it disabled already and this node's keystore still holds it
     * enabled: a run cut off between the two, which the caller completes without a second record (so does the node's
     * next start, {@link KekStartupCheck}).
     */
    public Disabling disable(Jdbc jdbc, KekId kek) throws SQLException {
        return changes.disable(jdbc, kek);
    }

    /** What {@link #disable} found in the catalog. */
    public enum Disabling {
        /** Recorded disabled now: the caller audits it in this transaction, then disables it in the keystore. */
        RECORDED,
        /**
         * Recorded disabled before (and audited then), still enabled in this node's keystore: an earlier run cut off
         * between its commit and its keystore write (which the node's next start completes too), or a run on another
         * node; the caller completes the keystore.
         */
        RECORDED_BEFORE
    }

    /**
     * When the tenant's keys are destroyed here (a shred), before the keystore is changed: every version, those
     * recorded and those this node holds, is refused on every node from now on, whatever its keystore copy holds.
     * Where this node holds none and the catalog records none (a tenant an older gateway left without a recorded key,
     * shredded on a node that never had it), version 1 is recorded destroyed: one destroyed version refuses every
     * version of the tenant ({@link KekVersions#refusal}), so the node that holds its keys refuses them too.
     */
    public void recordDestroyed(String tenant) {
        List<Integer> held = keys.versions(tenant);
        database.inTransaction(jdbc -> {
            versions.destroy(jdbc, tenant, held.isEmpty() ? List.of(1) : held, clock.millis());
            return null;
        });
        checks.forget(tenant);
        refusals.gone(tenant); // shredded: nothing of it left to bring in step
    }

    /**
     * Ends the out-of-step findings of tenants shredded since they were found, here or on another node (review21b L1):
     * a shredded tenant is never verified in step again, and its finding would hold the gauge, and the alert, until
     * the node restarts. Run by the maintenance pass; returns how many it ended.
     */
    public int forgetShredded() {
        int forgotten = 0;
        for (String tenant : refusals.outOfStep()) {
            if (database.read(jdbc -> versions.find(jdbc, tenant)).destroyed()) {
                refusals.gone(tenant);
                forgotten++;
            }
        }
        return forgotten;
    }

    /** What this node's key provider holds, as the record is compared with it. */
    NodeKeys node() {
        return node;
    }

    /** The completion of the catalog's record with what this node holds and it lacks. */
    KekRecorder recorder() {
        return recorder;
    }
}
