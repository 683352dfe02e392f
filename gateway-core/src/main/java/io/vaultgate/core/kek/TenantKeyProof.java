package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

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
        if (wrappedKeys == 0) {
            return List.of();
        }
        List<Integer> held = new ArrayList<>(keys.versions(tenant));
        held.removeAll(keys.disabledVersions(tenant)); // a disabled version unwraps nothing here
        Collections.reverse(held); // the newest first
        List<Integer> opened = new ArrayList<>();
        for (int version : held) {
            List<KekVersionRepository.FileSlot> slots = versions.slots(jdbc, tenant, keys.name(), version, TRIED);
            if (slots.isEmpty()) {
                continue;
            }
            if (slots.stream().noneMatch(slot -> opens(tenant, slot))) {
                throw new TenantKeyMismatch(tenant, version, wrappedKeys, bounded, refusals.remedy());
            }
            opened.add(version);
        }
        if (opened.isEmpty() && versions.wrapsUnderAnotherVersion(jdbc, tenant, keys.name(), keys.versions(tenant))) {
            throw new TenantKeyMismatch(tenant, 0, wrappedKeys, bounded, refusals.remedy());
        }
        return List.copyOf(opened);
    }

    /**
     * Whether this node's key opens the slot: false where it fails authentication (another key wrapped it) and where
     * the slot is too damaged to try (not base64, of no wrapped key's length, unparseable to the provider), so one
     * damaged slot does not refuse a right key; the next slot is tried. A failure of the provider itself throws.
     */
    private boolean opens(String tenant, KekVersionRepository.FileSlot slot) {
        try {
            keys.unwrap(new EnvelopeContext(tenant, slot.fileId()), slot.slot()).destroy();
            return true;
        } catch (CryptoException.AuthenticationFailed | CryptoException.UnsupportedFormat
                | IllegalArgumentException otherKeyOrDamaged) {
            return false;
        }
    }
}
