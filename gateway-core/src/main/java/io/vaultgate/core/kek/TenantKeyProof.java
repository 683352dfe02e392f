package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Before a tenant the catalog records without any KEK version is completed with this node's key
 * ({@link TenantKeyCreation#complete}): where data keys of the tenant are stored, this node's key must open them. It
 * unwraps key slots of the tenant's files with the newest version this node holds enabled that has any (up to
 * {@value #TRIED} of them; AES-GCM authenticates under the key, so only the key that wrapped a slot opens it, and one
 * slot opening is proof), and throws away the data key at once. Read-only; the caller's transaction holds the tenant's
 * row lock.
 */
final class TenantKeyProof {

    /** Slots tried under one version: one damaged slot does not refuse a right key. */
    static final int TRIED = 3;

    private final KeyProvider keys;
    private final KeyRemedy remedy;
    private final KekVersionRepository versions = new KekVersionRepository();

    TenantKeyProof(KeyProvider keys, KeyRemedy remedy) {
        this.keys = keys;
        this.remedy = remedy;
    }

    /**
     * Returns where this node's key opens a key slot of the tenant's data, or where none is stored
     * ({@code wrappedKeys} 0); otherwise throws, changing nothing.
     *
     * @throws TenantKeyMismatch where the slots of the newest version that has any fail authentication here or are
     *                           damaged, or no version this node holds enabled wraps any of them
     */
    void require(Jdbc jdbc, String tenant, long wrappedKeys) throws SQLException {
        if (wrappedKeys == 0) {
            return;
        }
        List<Integer> held = new ArrayList<>(keys.versions(tenant));
        held.removeAll(keys.disabledVersions(tenant));
        Collections.reverse(held); // the newest first
        for (int version : held) {
            List<KekVersionRepository.FileSlot> slots = versions.slots(jdbc, tenant, keys.name(), version, TRIED);
            if (slots.isEmpty()) {
                continue;
            }
            for (KekVersionRepository.FileSlot slot : slots) {
                if (opens(tenant, slot)) {
                    return;
                }
            }
            throw new TenantKeyMismatch(tenant, version, wrappedKeys, remedy);
        }
        throw new TenantKeyMismatch(tenant, 0, wrappedKeys, remedy);
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
