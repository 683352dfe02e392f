package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;

/**
 * Before a tenant the catalog records without any KEK version is completed with this node's key
 * ({@link TenantKeyCreation#complete}, and the first upload, rotation or key change of it on this node:
 * {@link KekCatalog}): where data keys of the tenant are stored, this node's key must open them. Under every version
 * this node holds enabled that wraps any of them, it unwraps key slots of the tenant's files (up to {@value #TRIED}
 * per version; AES-GCM authenticates under the key, so only the key that wrapped a slot opens it, and one slot opening
 * proves the version), and throws away the data key at once. Every such version, not only the newest: a node holding
 * the tenant's newest key and another key under an older version (review L5) would otherwise record that older key,
 * and the files it wrapped would not open here. A tenant has few versions, and each is one index range
 * ({@code key_slots_by_kek}, V30). Read-only; the caller's transaction holds the tenant's row lock.
 *
 * <p>The administrator's completion ({@code tenant add}, {@link #sample}) tries up to {@value #SAMPLED} slots in all
 * (review23 L3): a fork that wrapped only some of the tenant's files under a version (two keys under one number,
 * each node wrapping with its own) is found where three slots would likely all open, and is refused unless the
 * administrator accepts it ({@code --accept-fork}). File ids are random, so the lowest ids of a version are a random
 * sample of its slots.
 */
final class TenantKeyProof {

    /** Slots tried under one version: one damaged slot does not refuse a right key. */
    static final int TRIED = 3;

    /**
     * The stored data keys a refusal of a client's upload or a key change counts, at most ({@link #beforeRecording}):
     * more are named "more than" this. Its client may retry in a loop, and each retry is proven again under the
     * tenant's row lock: each reads a bounded number of index entries, never all of the tenant's (review22c L2).
     */
    static final int COUNTED = 1000;

    /** Slots the administrator's completion tries in all, shared among the versions held ({@link #sample}). */
    static final int SAMPLED = 1000;

    /**
     * What the administrator's completion found ({@link #sample}).
     *
     * @param opened   the versions whose key here opened slots of theirs, newest first
     * @param tried    the slots tried
     * @param unopened by version, the slots tried under it that failed authentication here (another key wrapped
     *                 them, or their bytes were altered) though others of it opened; empty when none did. A slot too
     *                 damaged to try opens under no key and is not counted: recording this key loses nothing of it
     */
    record Sample(List<Integer> opened, int tried, Map<Integer, Integer> unopened) {

        Sample {
            opened = List.copyOf(opened);
            unopened = Map.copyOf(unopened);
        }

        /** How many slots tried did not open. */
        int unopenedCount() {
            return unopened.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final KeyProvider keys;
    private final KekRefusals refusals;
    private final KekVersionRepository versions = new KekVersionRepository();

    /** @param refusals this node's, naming its key provider's fix */
    TenantKeyProof(KeyProvider keys, KekRefusals refusals) {
        this.keys = keys;
        this.refusals = refusals;
    }

    /**
     * Before this node records its versions of a tenant the catalog records none of, in the first upload, rotation
     * or key change of the tenant here ({@link KekCatalog}): {@link #require} over every data key of the tenant
     * stored. A refusal is counted and held out of step as the catalog's are ({@link KekRefusals#mismatch}) and
     * thrown as {@code refusal} makes it (a client's or an administrator's); the versions proven are in step here.
     * Every retry of a refused upload comes here again, under the tenant's row lock, and reads a bounded part of the
     * tenant's slots: up to {@value #COUNTED} + 1 counted ({@link TenantKeyMismatch#wrappedKeys} says "more than"
     * beyond), {@value #TRIED} per version tried, one index seek per version for "behind" (review22c L2).
     */
    void beforeRecording(Jdbc jdbc, String tenant, Function<TenantKeyMismatch, GatewayException> refusal)
            throws SQLException {
        try {
            for (int version : require(jdbc, tenant, versions.wrappedKeys(jdbc, tenant, COUNTED + 1L), true)) {
                refusals.inStep(tenant, version);
            }
        } catch (TenantKeyMismatch mismatch) {
            throw refusal.apply(refusals.mismatch(mismatch));
        }
    }

    /**
     * Returns the versions whose key here opens a key slot of the tenant's data (none where no data key is stored,
     * {@code wrappedKeys} 0); otherwise throws, changing nothing. {@code wrappedKeys} is what the refusal names: the
     * count, or, where {@code bounded} (counted up to {@value #COUNTED} + 1 only: {@link #beforeRecording}), more than
     * {@value #COUNTED} where it is higher.
     *
     * @throws TenantKeyMismatch where the slots tried of any version this node holds enabled fail authentication here
     *                           or are damaged (the newest such version is named), or no version this node holds
     *                           enabled wraps any of them and some of this provider's slots are under a version it
     *                           does not hold at all (it is behind). Slots only under versions held disabled, or only
     *                           of another key provider, leave nothing to prove here (review22c M1: they locked the
     *                           tenant's uploads and key changes out on a node in step)
     */
    List<Integer> require(Jdbc jdbc, String tenant, long wrappedKeys, boolean bounded) throws SQLException {
        return tried(jdbc, tenant, wrappedKeys, bounded, held -> TRIED, false).opened();
    }

    /**
     * {@link #require} as the administrator's completion ({@code tenant add}) proves it, {@code wrappedKeys} counted
     * exactly: up to {@value #SAMPLED} slots tried in all, shared evenly among the versions held enabled (at least
     * {@value #TRIED} each), every one of them, not only until one opens; what did not open is in the result, for
     * the completion to refuse unless the administrator accepts it. A version none of whose slots tried opens is
     * refused as by {@link #require} ({@link TenantKeyMismatch}).
     */
    Sample sample(Jdbc jdbc, String tenant, long wrappedKeys) throws SQLException {
        return tried(jdbc, tenant, wrappedKeys, false, held -> Math.max(TRIED, SAMPLED / Math.max(1, held)), true);
    }

    private Sample tried(Jdbc jdbc, String tenant, long wrappedKeys, boolean bounded,
                         IntUnaryOperator perVersion, boolean every) throws SQLException {
        if (wrappedKeys == 0) {
            return new Sample(List.of(), 0, Map.of());
        }
        List<Integer> held = new ArrayList<>(keys.versions(tenant));
        held.removeAll(keys.disabledVersions(tenant)); // a disabled version unwraps nothing here
        Collections.reverse(held); // the newest first
        int limit = perVersion.applyAsInt(held.size());
        List<Integer> opened = new ArrayList<>();
        Map<Integer, Integer> unopened = new LinkedHashMap<>();
        int tried = 0;
        for (int version : held) {
            List<KekVersionRepository.FileSlot> slots = versions.slots(jdbc, tenant, keys.name(), version, limit);
            if (slots.isEmpty()) {
                continue;
            }
            Map<Tried, Long> found = every ? slots.stream().collect(Collectors.groupingBy(slot -> tries(tenant, slot),
                    Collectors.counting()))
                    : Map.of(slots.stream().anyMatch(slot -> tries(tenant, slot) == Tried.OPENS) ? Tried.OPENS
                            : Tried.ANOTHER_KEY, 1L);
            tried += slots.size();
            if (found.getOrDefault(Tried.OPENS, 0L) == 0) {
                throw new TenantKeyMismatch(tenant, version, wrappedKeys, bounded, refusals.remedy());
            }
            if (every && found.containsKey(Tried.ANOTHER_KEY)) { // a damaged slot opens under no key: not counted
                unopened.put(version, found.get(Tried.ANOTHER_KEY).intValue());
            }
            opened.add(version);
        }
        if (opened.isEmpty() && versions.wrapsUnderAnotherVersion(jdbc, tenant, keys.name(), keys.versions(tenant))) {
            throw new TenantKeyMismatch(tenant, 0, wrappedKeys, bounded, refusals.remedy());
        }
        return new Sample(opened, tried, unopened);
    }

    /** What trying one slot found. */
    private enum Tried {
        /** This node's key opened it. */
        OPENS,
        /** It fails authentication under this node's key: another key wrapped it (or its bytes were altered). */
        ANOTHER_KEY,
        /** Too damaged to try: it opens under no key, so it says nothing about this one. */
        DAMAGED
    }

    /**
     * Whether this node's key opens the slot: it does not where it fails authentication (another key wrapped it),
     * nor where the slot is too damaged to try (not base64, of no wrapped key's length, unparseable to the
     * provider), so one damaged slot does not refuse a right key; the next slot is tried (review21 L6). A failure of
     * the provider itself throws.
     */
    private Tried tries(String tenant, KekVersionRepository.FileSlot slot) {
        try {
            keys.unwrap(new EnvelopeContext(tenant, slot.fileId()), slot.slot()).destroy();
            return Tried.OPENS;
        } catch (CryptoException.AuthenticationFailed otherKey) {
            return Tried.ANOTHER_KEY;
        } catch (CryptoException.UnsupportedFormat | IllegalArgumentException damaged) {
            return Tried.DAMAGED;
        }
    }
}
