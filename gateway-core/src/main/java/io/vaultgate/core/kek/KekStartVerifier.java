package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.crypto.KekId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The comparison of one tenant at this node's start ({@link KekStartupCheck}): whether its key of the tenant's active
 * version, as the catalog records it, is the catalog's: one unwrap of the version's key check; and its key of each
 * older version the catalog records enabled with a check, one unwrap each (a forked one is {@code FORKED}). Finds
 * what the tenant's first upload or download here would otherwise find, and counts and logs it as that request's
 * refusal would ({@link KekRefusals}): a keystore behind the catalog, a forked version; both are out of step here
 * ({@link KekOutOfStep}) until the node verifies the tenant again. Changes nothing of either, and nothing of what the
 * node serves: every wrap and unwrap is still verified as it comes ({@link KekCatalog}). A version recorded without a
 * check (before V28) gets this node's, as its first wrap with it would record it: only when it is this node's active
 * version too, and only where the catalog still has none, under the tenant's row lock; otherwise this node's key is
 * compared with the check another node recorded first. An older version recorded without a check gets this node's
 * where its key of it opens one of the tenant's stored data keys wrapped by it (L6, {@link #filledOlder}).
 */
final class KekStartVerifier {

    private final Database database;
    private final KekCatalog kekCatalog;
    private final KekRefusals refusals;
    private final KekChecks checks;
    private final KekVersionRepository versions = new KekVersionRepository();

    /** @param kekCatalog the node's, which records a missing key check as its wraps would */
    KekStartVerifier(Database database, KekCatalog kekCatalog, KekRefusals refusals, KekChecks checks) {
        this.database = database;
        this.kekCatalog = kekCatalog;
        this.refusals = refusals;
        this.checks = checks;
    }

    /**
     * What this node found of the tenant: the verdict of its active version, and, apart from it, whether an older
     * version is forked here. Both are findings of their own (review23b): a tenant behind on its active version with
     * a forked older one is behind and forked, and one whose active version is in step (or whose check was recorded
     * now) is verified although an older version is forked.
     */
    Finding verify(String tenant) {
        KekVersions recorded = database.read(jdbc -> versions.find(jdbc, tenant));
        if (recorded.states().isEmpty() || recorded.destroyed()) {
            return new Finding(KekStartupCheck.Verdict.UNRECORDED, false);
        }
        KekStartupCheck.Verdict active = verifyActive(tenant, recorded);
        return new Finding(active, forkedOlder(tenant, recorded));
    }

    /**
     * @param active      the verdict of the tenant's active version, as the catalog records it
     * @param olderForked whether this node holds another key than the catalog's under an older version the catalog
     *                    records enabled with a key check (counted and held in the gauge as its download's refusal
     *                    would be)
     */
    record Finding(KekStartupCheck.Verdict active, boolean olderForked) {

        /** Whether any version of the tenant is forked here, the active one or an older one. */
        boolean forked() {
            return active == KekStartupCheck.Verdict.FORKED || olderForked;
        }
    }

    /**
     * Whether this node's key of an older version the catalog records enabled, with a key check, is another key: one
     * unwrap of each such version's check. Found as its first download would find it
     * ({@link KekCatalog#requireUsable}), so a restart does not forget a forked old version that only downloads meet
     * (note21's open item): its finding held the gauge until the restart, and the start-up check read the active
     * version only. A version this node does not hold,
     * holds disabled, or whose check another provider made, is not comparable here; one recorded without a check
     * (before V28) gets this node's where its key opens the version's stored data keys ({@link #filledOlder}).
     */
    private boolean forkedOlder(String tenant, KekVersions recorded) {
        boolean forked = false;
        for (Map.Entry<Integer, KekVersionState> version : recorded.states().entrySet()) {
            String check = recorded.check(version.getKey());
            if (version.getKey() == recorded.active() || version.getValue() != KekVersionState.ENABLED) {
                continue;
            }
            if (check == null) {
                filledOlder(new KekId(tenant, version.getKey()));
                continue;
            }
            KekChecks.Verdict verdict = checks.verify(new KekId(tenant, version.getKey()), check);
            if (verdict == KekChecks.Verdict.FORKED) {
                refusals.forked(tenant, version.getKey());
                forked = true;
            } else if (verdict == KekChecks.Verdict.SAME) {
                refusals.inStep(tenant, version.getKey());
            }
        }
        return forked;
    }

    /**
     * L6: records this node's key check of {@code kek}, an older version recorded without one (before V28: only a
     * version's first wraps made one, and an older version wraps nothing), where this node's key of it opens one of
     * the tenant's stored data keys wrapped by it (up to {@value TenantKeyProof#TRIED} tried, in file id order): that
     * key is the one that wrapped the tenant's data, as a check made by the version's first wrap would have shown.
     * Recorded under the tenant's row lock, only where the catalog still has none (a version whose check another node
     * recorded meanwhile keeps that one, compared at the next start). A version that wraps no stored key, or whose
     * slots tried this node's key does not open (another key: a fork found later by its downloads), gets none.
     * Once recorded, every node's key of the version is compared with it, as with any check.
     */
    private boolean filledOlder(KekId kek) {
        List<KekVersionRepository.FileSlot> slots = database.read(jdbc -> versions.slots(jdbc, kek.tenantId(),
                checks.provider(), kek.version(), TenantKeyProof.TRIED));
        if (slots.isEmpty()) {
            return false; // nothing to prove it by, and no write at each start
        }
        Optional<String> check = checks.ofOpening(kek, slots); // outside the lock: token operations
        return check.isPresent() && database.inTransaction(jdbc -> {
            versions.lock(jdbc, kek.tenantId());
            return versions.fillCheck(jdbc, kek.tenantId(), kek.version(), check.get()); // only where still none
        });
    }

    /** The comparison of the tenant's active version, as the catalog records it. */
    private KekStartupCheck.Verdict verifyActive(String tenant, KekVersions recorded) {
        int active = recorded.active();
        int here = kekCatalog.node().active(tenant); // no re-read of an HSM per tenant: its index is fresh at start-up
        if (here < active) {
            refusals.behind(tenant, active, here);
            return KekStartupCheck.Verdict.BEHIND;
        }
        KekId kek = new KekId(tenant, active);
        String check = recorded.check(active);
        if (check == null && here == active) {
            boolean filled = database.inTransaction(jdbc -> {
                versions.lock(jdbc, tenant);
                return kekCatalog.recorder().fillCheck(jdbc, kek);
            });
            if (filled) {
                refusals.inStep(tenant, active);
                return KekStartupCheck.Verdict.FILLED;
            }
            check = database.read(jdbc -> versions.find(jdbc, tenant)).check(active); // another node's came first
        }
        KekChecks.Verdict verdict = checks.verify(kek, check);
        if (verdict == KekChecks.Verdict.FORKED) {
            refusals.forked(tenant, active);
            return KekStartupCheck.Verdict.FORKED;
        }
        if (verdict == KekChecks.Verdict.SAME) {
            refusals.inStep(tenant, active);
            return KekStartupCheck.Verdict.SAME;
        }
        return KekStartupCheck.Verdict.UNCHECKED;
    }
}
