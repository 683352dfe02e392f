package io.vaultgate.core.kek;

import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One tenant's KEK versions and their states: as the catalog records them for every node, or as one node's key
 * provider holds them. The newest version is the active one, with which every node wraps new data keys or none.
 *
 * @param kekTenant the tenant whose KEK this is
 * @param states    each version and its state; empty when nothing is recorded (a catalog from before V24)
 * @param checks    the key check of each version that has one ({@link KekChecks}, V28): absent for versions recorded
 *                  before V28 or by an older node until filled in, and for what a node holds
 */
public record KekVersions(String kekTenant, Map<Integer, KekVersionState> states, Map<Integer, String> checks) {

    public KekVersions {
        Objects.requireNonNull(kekTenant, "kekTenant");
        states = Map.copyOf(states);
        checks = Map.copyOf(checks);
    }

    /** Versions and states without key checks (what a node holds). */
    public KekVersions(String kekTenant, Map<Integer, KekVersionState> states) {
        this(kekTenant, states, Map.of());
    }

    /** The catalog's key check of {@code version}; {@code null} when it has none. */
    String check(int version) {
        return checks.get(version);
    }

    /**
     * The versions whose key in {@code keys} is another one than the catalog's: their key check does not unwrap with
     * it (a forked keystore copy, a token other than the one the gateway wrapped with). Read-only: one unwrap per
     * checked version. Versions without a check, versions {@code keys} lacks or holds disabled, and checks made
     * through another provider are not compared. For {@code vaultgate doctor}; the gateway verifies as it wraps.
     */
    public List<Integer> forkedIn(KeyProvider keys) {
        KekChecks verifier = new KekChecks(keys);
        return new TreeSet<>(checks.keySet()).stream()
                .filter(version -> verifier.verify(new KekId(kekTenant, version), checks.get(version))
                        == KekChecks.Verdict.FORKED)
                .toList();
    }

    /** What {@code keys} holds of the tenant: each version it has, enabled or disabled. */
    public static KekVersions heldBy(KeyProvider keys, String kekTenant) {
        List<Integer> disabled = keys.disabledVersions(kekTenant);
        Map<Integer, KekVersionState> states = new TreeMap<>();
        for (int version : keys.versions(kekTenant)) {
            states.put(version, disabled.contains(version) ? KekVersionState.DISABLED : KekVersionState.ENABLED);
        }
        return new KekVersions(kekTenant, states);
    }

    /** The active version: the newest one; 0 when none is known. */
    public int active() {
        return states.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** True once any version was destroyed: a tenant is shredded whole. */
    public boolean destroyed() {
        return states.containsValue(KekVersionState.DESTROYED);
    }

    /** The state forbidding to unwrap with {@code version}, if any: DESTROYED for each version of a shredded tenant. */
    public Optional<KekVersionState> refusal(int version) {
        if (destroyed()) {
            return Optional.of(KekVersionState.DESTROYED);
        }
        return states.get(version) == KekVersionState.DISABLED ? Optional.of(KekVersionState.DISABLED)
                : Optional.empty();
    }

    /** What {@code other} knows that this lacks: versions not here, or here in a less strict state. */
    public Map<Integer, KekVersionState> newIn(KekVersions other) {
        Map<Integer, KekVersionState> news = new TreeMap<>();
        other.states.forEach((version, state) -> {
            KekVersionState known = states.get(version);
            if (known == null || state.stricterThan(known)) {
                news.put(version, state);
            }
        });
        return news;
    }
}
