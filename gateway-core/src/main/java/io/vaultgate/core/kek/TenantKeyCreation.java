package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's first KEK version, made on this node and recorded in the catalog's {@code kek_versions} in the caller's
 * transaction (the tenant's creation, {@link #createFirst}), and the completion of a tenant the catalog records
 * without any version ({@link #complete}). What it records is verified from then on as every version is
 * ({@link KekCatalog}).
 */
public final class TenantKeyCreation {

    private final KekCatalog kekCatalog;
    private final KeyProvider keys;
    private final Clock clock;
    private final TenantKeyProof proof;
    private final KekVersionRepository versions = new KekVersionRepository();

    /** @param kekCatalog this node's, whose key checks and fix the records and refusals take */
    TenantKeyCreation(KekCatalog kekCatalog, KeyProvider keys, Clock clock) {
        this.kekCatalog = kekCatalog;
        this.keys = keys;
        this.clock = clock;
        this.proof = kekCatalog.proof();
    }

    /**
     * Makes the tenant's first KEK version on this node and records it, with its key check, in the caller's transaction
     * (the tenant's creation): under the tenant's row lock, version 1 is reserved before this node's keystore changes,
     * as a rotation reserves its next version. So the keystore never holds a version 1 the catalog records without
     * this node's key check: if the transaction fails (or the node stops) after the keystore was written, the catalog
     * records neither the tenant nor its version 1; the creation retried on this node adopts the key its keystore
     * holds, and retried on another node makes and records that node's own, which this node's key then fails
     * ({@link KeystoreForked}) until its keystore is copied from there. A key this node holds for the tenant
     * already (an earlier, interrupted attempt) is recorded with every version it holds, never replaced.
     *
     * @return false, changing nothing, when the catalog records a version of the tenant already: its creation was
     *     completed (here or on another node), or it was shredded
     */
    public boolean createFirst(Jdbc jdbc, String tenant) throws SQLException {
        return first(jdbc, tenant).isPresent();
    }

    /** {@link #createFirst}, returning the versions it recorded (this node's, every one it holds); empty if none. */
    private Optional<KekVersions> first(Jdbc jdbc, String tenant) throws SQLException {
        versions.lock(jdbc, tenant);
        if (!versions.find(jdbc, tenant).states().isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (!versions.reserve(jdbc, tenant, 1, now)) { // the lock prevents it (SQLite: one writer)
            return Optional.empty();
        }
        KekId active = keys.ensureTenant(tenant);
        KekVersions held = KekVersions.heldBy(keys, tenant);
        versions.record(jdbc, tenant, held.states(), now);
        kekCatalog.recorder().fillCheck(jdbc, active);
        return Optional.of(held);
    }

    /**
     * Whether the catalog records no KEK version of the tenant, in the caller's transaction, under the tenant's row
     * lock (held to its end): whether {@link #complete} would complete it, and not refuse it as created already.
     */
    public boolean lacksKey(Jdbc jdbc, String tenant) throws SQLException {
        versions.lock(jdbc, tenant);
        return versions.find(jdbc, tenant).states().isEmpty();
    }

    /** What {@link #complete} did. */
    public enum Outcome {
        /** The catalog records a version of the tenant already: its creation was completed, or it was shredded. */
        RECORDED_BEFORE,
        /** This node's key of the tenant (every version it holds) is recorded now, with its key check. */
        KEY_OF_THIS_NODE,
        /** No node's key was recorded and nothing is wrapped: a new version 1 was made here, as asked. */
        NEW_KEY
    }

    /**
     * What {@link #complete} did, and what it recorded: what the completion's audit event states.
     *
     * @param recorded     the versions recorded now and their states (empty for {@link Outcome#RECORDED_BEFORE})
     * @param newKeyAsked  whether the administrator stated that no node holds a key of the tenant ({@code --new-key})
     * @param acceptedFork the stored data keys tried that this node's key did not open, which the administrator
     *                     accepted ({@code --accept-fork}: "2 key slot(s) of KEK version 1 of 40 tried"); empty if none
     */
    public record Completion(Outcome outcome, KekVersions recorded, boolean newKeyAsked, Optional<String> acceptedFork) {

        public Completion(Outcome outcome, KekVersions recorded, boolean newKeyAsked) {
            this(outcome, recorded, newKeyAsked, Optional.empty());
        }

        /**
         * The audit event's text, naming every version recorded and whose key it is: for a {@code --new-key} run
         * whose node held a key (an earlier attempt of it made one here, then failed), the administrator's statement
         * too, and that no key was made by this run.
         */
        public String audited() {
            String whose = switch (outcome) {
                case NEW_KEY -> " (a new key: no node held one, as the administrator stated)";
                case KEY_OF_THIS_NODE -> newKeyAsked ? " (this node's key: the administrator stated that no node "
                        + "held a key of it (--new-key), but this node's keys held one, made by the tenant's "
                        + "creation or by an earlier attempt here, and it is recorded; no key was made by this run)"
                        : " (this node's key)";
                case RECORDED_BEFORE -> " (nothing recorded: the catalog records its key already)";
            };
            return recorded.kekTenant() + " KEK " + named(recorded.states()) + " recorded, completing its interrupted "
                    + "creation" + whose + acceptedFork.map(unopened -> "; " + unopened + " did not open with it: the "
                    + "administrator accepted that those files do not open (--accept-fork)").orElse("");
        }

        private static String named(Map<Integer, KekVersionState> states) {
            List<String> each = states.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(version -> version.getKey() + (version.getValue() == KekVersionState.ENABLED ? ""
                            : " (" + version.getValue().name().toLowerCase(Locale.ROOT) + ")"))
                    .toList();
            return each.isEmpty() ? "no version" : (each.size() == 1 ? "version " : "versions ")
                    + String.join(", ", each);
        }
    }

    /**
     * Completes, in the caller's transaction, a tenant whose row the catalog records without any KEK version: what a
     * gateway before {@link #createFirst} left when it stopped between the tenant's transaction and its key, or a
     * tenant from before V24 that had stored nothing when the migration ran. Only the key of the node that created it
     * is right, and only that node's keystore (or a copy of it) holds it: so this node records the versions it holds
     * of the tenant (under the alias every gateway version used), and where it holds none it refuses ({@link
     * TenantKeyElsewhere}, {@code CONFLICT}), instead of making a version 1 of its own, which would fork the node that
     * served the tenant. Unless {@code newKey}: the administrator states that no node holds a key of the tenant (its
     * creation stopped before the key was made), and a new version 1 is made here; still refused while the catalog
     * holds any data key wrapped with the tenant's KEK, which only the lost key unwraps. Where such data keys are
     * stored, this node's key is recorded only if it opens them ({@link TenantKeyProof}: one unwrap); another key
     * under the tenant's alias is refused ({@link TenantKeyMismatch}, {@code CONFLICT}), recording nothing. Up to
     * {@value TenantKeyProof#SAMPLED} of them are tried ({@link TenantKeyProof#sample}): where some do not open (a
     * fork wrapped some files under the same version number with another key), the completion is refused too
     * ({@link TenantKeyPartlyOpened}, {@code CONFLICT}), unless {@code acceptFork} ({@code --accept-fork}): the
     * administrator accepts that those files do not open with this node's key, and the audit event says how many.
     */
    public Completion complete(Jdbc jdbc, String tenant, boolean newKey, boolean acceptFork) throws SQLException {
        Completion before = new Completion(Outcome.RECORDED_BEFORE, new KekVersions(tenant, Map.of()), newKey);
        versions.lock(jdbc, tenant);
        if (!versions.find(jdbc, tenant).states().isEmpty()) {
            return before;
        }
        boolean held = kekCatalog.node().active(tenant, 1) > 0; // an HSM token re-read once
        long wrapped = versions.wrappedKeys(jdbc, tenant);
        if (!held && (!newKey || wrapped > 0)) {
            throw new TenantKeyElsewhere(tenant, wrapped, kekCatalog.remedy()).toAdministrator();
        }
        Optional<String> accepted = Optional.empty();
        if (held) {
            TenantKeyProof.Sample sample;
            try {
                sample = proof.sample(jdbc, tenant, wrapped); // counted exactly: the administrator's message names it
            } catch (TenantKeyMismatch mismatch) {
                throw mismatch.toAdministrator();
            }
            if (!sample.unopened().isEmpty()) {
                if (!acceptFork) {
                    throw new TenantKeyPartlyOpened(tenant, sample.unopened(), sample.tried(), kekCatalog.remedy())
                            .toAdministrator();
                }
                accepted = Optional.of(TenantKeyPartlyOpened.named(sample.unopened()) + " of " + sample.tried()
                        + " tried");
            }
        }
        Optional<KekVersions> recorded = first(jdbc, tenant);
        if (recorded.isEmpty()) {
            return before;
        }
        return new Completion(held ? Outcome.KEY_OF_THIS_NODE : Outcome.NEW_KEY, recorded.get(), newKey, accepted);
    }
}
