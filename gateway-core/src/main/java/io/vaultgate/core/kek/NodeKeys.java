package io.vaultgate.core.kek;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;

/**
 * What this node's key provider holds of a tenant's KEK, as the catalog's record is compared with it ({@link
 * KekCatalog}): the active version, whether a version is held, whether the tenant's keys were destroyed here. Where
 * the node looks behind the catalog, its key store is re-read once ({@link KeyProvider#reload}) before it is taken to
 * be: an HSM token shared with another process is re-read only every few seconds.
 */
final class NodeKeys {

    private final KeyProvider keys;

    NodeKeys(KeyProvider keys) {
        this.keys = keys;
    }

    /** The newest enabled version in this node's keystore, 0 when it holds none of the tenant. */
    int active(String tenant) {
        try {
            return keys.active(tenant).version();
        } catch (CryptoException.KeyNotFound | CryptoException.KeyDestroyed none) {
            return 0;
        }
    }

    /** {@link #active(String)}, the key store re-read once when it looks behind the recorded {@code recordedActive}. */
    int active(String tenant, int recordedActive) {
        int here = active(tenant);
        if (here < recordedActive && keys.reload()) {
            here = active(tenant);
        }
        return here;
    }

    /** Whether this node holds {@code kek}, enabled or disabled, its key store re-read once if not. */
    boolean holds(KekId kek) {
        return keys.versions(kek.tenantId()).contains(kek.version())
                || keys.reload() && keys.versions(kek.tenantId()).contains(kek.version());
    }

    /** Whether this node's keystore destroyed the tenant's keys (a shred made here, whatever the catalog says). */
    boolean destroyed(String tenant) {
        try {
            keys.active(tenant);
            return false;
        } catch (CryptoException.KeyDestroyed destroyed) {
            return true;
        } catch (CryptoException.KeyNotFound none) {
            return false;
        }
    }
}
