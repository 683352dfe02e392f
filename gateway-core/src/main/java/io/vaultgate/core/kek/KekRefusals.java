package io.vaultgate.core.kek;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals the catalog's KEK record makes on this node: each one counted in {@value #METER} by reason
 * ({@code keystore_behind}, {@code keystore_forked}, {@code disabled}, {@code destroyed}), and logged once per tenant,
 * version and reason, as a WARN naming the cause and the fix, not once per request. A tenant refused as behind or
 * forked is out of step here ({@link KekOutOfStep}) until the node verifies the version found in step again
 * ({@link #inStep}).
 */
public final class KekRefusals {

    /** The counter, exported as {@code vaultgate_kek_refusals_total}. */
    public static final String METER = "vaultgate.kek.refusals";
    public static final String BEHIND = "keystore_behind";
    /** This node's key of a version is not the catalog's ({@link KeystoreForked}). */
    public static final String FORKED = "keystore_forked";

    private static final Logger LOG = LoggerFactory.getLogger(KekRefusals.class);

    private final MeterRegistry registry;
    private final Set<String> logged;
    private final KekOutOfStep outOfStep;
    private final KeyRemedy remedy;

    /**
     * Counts into {@code registry}; the counters and the out-of-step gauges exist (at 0) from the start, so an alert
     * rule sees them. One per node and registry. Names the keystore's fix until {@link #advising} another ({@link
     * KekCatalog} does, for its key provider).
     */
    public KekRefusals(MeterRegistry registry) {
        this(registry, ConcurrentHashMap.newKeySet(), new KekOutOfStep(registry), KeyRemedy.KEYSTORE);
    }

    private KekRefusals(MeterRegistry registry, Set<String> logged, KekOutOfStep outOfStep, KeyRemedy remedy) {
        this.registry = registry;
        this.logged = logged;
        this.outOfStep = outOfStep;
        this.remedy = remedy;
        counter(BEHIND);
        counter(FORKED);
        counter(reason(KekVersionState.DISABLED));
        counter(reason(KekVersionState.DESTROYED));
    }

    /** Refusals that are logged but counted nowhere anyone scrapes (admin commands, services without meters). */
    public static KekRefusals unmetered() {
        return new KekRefusals(new SimpleMeterRegistry());
    }

    /**
     * These refusals, counted in the same counters and logged once with them, naming {@code remedy} as the fix: the
     * one of the node's key provider ({@link KeyRemedy#of}).
     */
    KekRefusals advising(KeyRemedy remedy) {
        return remedy == this.remedy ? this : new KekRefusals(registry, logged, outOfStep, remedy);
    }

    /** The fix these refusals name. */
    KeyRemedy remedy() {
        return remedy;
    }

    /** The refusal of a node whose keystore lacks the tenant's active version {@code active}. */
    KeystoreBehindCatalog behind(String tenant, int active, int here) {
        KeystoreBehindCatalog cause = new KeystoreBehindCatalog(tenant, active, here, remedy);
        refused(BEHIND, tenant + "/v" + active, cause.getMessage());
        outOfStep.found(tenant, active, BEHIND);
        return cause;
    }

    /** The refusal of a node whose key of the tenant's version {@code version} is not the catalog's. */
    KeystoreForked forked(String tenant, int version) {
        KeystoreForked cause = new KeystoreForked(tenant, version, remedy);
        refused(FORKED, tenant + "/v" + version, cause.getMessage());
        outOfStep.found(tenant, version, FORKED);
        return cause;
    }

    /**
     * The refusal of a node whose key does not open the stored data keys of a tenant the catalog records no version
     * of ({@link TenantKeyProof}): counted and held out of step as forked about the version whose slots it failed, or
     * as behind about version 1 where it holds no version they are wrapped with (so the first version it proves ends
     * it); logged once.
     */
    TenantKeyMismatch mismatch(TenantKeyMismatch mismatch) {
        boolean none = mismatch.version() == 0;
        String reason = none ? BEHIND : FORKED;
        refused(reason, mismatch.tenant() + "/v" + mismatch.version() + " (stored data keys)", mismatch.getMessage());
        outOfStep.found(mismatch.tenant(), none ? 1 : mismatch.version(), reason);
        return mismatch;
    }

    /**
     * This node verified its key of the tenant's version {@code version} against the catalog (a wrap, rotation or
     * rewrap with it, an unwrap whose key check holds, the start-up check): ends the tenant's findings about that
     * version, and its behind findings about older ones ({@link KekOutOfStep#inStep}).
     */
    void inStep(String tenant, int version) {
        outOfStep.inStep(tenant, version);
    }

    /** The tenants (KEK ids) this node found out of step and has not verified in step since. */
    Set<String> outOfStep() {
        return outOfStep.tenants();
    }

    /** The tenant's keys are destroyed (a shred): none of it is out of step any more. */
    void gone(String tenant) {
        outOfStep.gone(tenant);
    }

    /** The refusal to unwrap with a version the catalog records disabled, or of a tenant it records destroyed. */
    CryptoException unwrap(KekId kek, KekVersionState state) {
        String message = "KEK " + kek + " is " + reason(state) + " in the catalog: no node may unwrap with it"
                + (state == KekVersionState.DISABLED ? "; this node's " + remedy.store() + " may still hold it "
                + "enabled: " + remedy.from("the node that disabled it") : " (the tenant was shredded)");
        refused(reason(state), kek.toString(), message);
        return state == KekVersionState.DISABLED ? new CryptoException.KeyDisabled(message)
                : new CryptoException.KeyDestroyed(message);
    }

    private void refused(String reason, String what, String message) {
        counter(reason).increment();
        if (logged.add(reason + " " + what)) {
            LOG.warn("{} (refusals for {} are logged once; they are counted in {})", message, what,
                    "vaultgate_kek_refusals_total");
        }
    }

    private Counter counter(String reason) {
        return Counter.builder(METER).description("wraps and unwraps of tenants' data keys refused because this "
                + "node's keys (keystore or token) disagree with the catalog's record of the tenant's KEK versions")
                .tag("reason", reason).register(registry);
    }

    private static String reason(KekVersionState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
