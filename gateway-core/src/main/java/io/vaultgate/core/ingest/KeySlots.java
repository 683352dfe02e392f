package io.vaultgate.core.ingest;

import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import java.util.Base64;

/** Converts the crypto module's key slots to and from the catalog's columns. */
public final class KeySlots {

    public StoredKeySlot toStored(KeySlot slot) {
        return new StoredKeySlot(slot.provider(), slot.kek().tenantId(), slot.kek().version(),
                Base64.getEncoder().encodeToString(slot.wrapped()));
    }

    public KeySlot fromStored(StoredKeySlot stored) {
        return new KeySlot(stored.provider(), new KekId(stored.kekTenant(), stored.kekVersion()),
                Base64.getDecoder().decode(stored.wrappedBase64()));
    }
}
