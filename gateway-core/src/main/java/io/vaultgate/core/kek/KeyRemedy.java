package io.vaultgate.core.kek;

import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.pkcs11.Pkcs11KeyProvider;

/**
 * What an operator is told to do when this node's keys are out of step with the catalog's record of a tenant's KEK
 * versions (behind, forked, a version disabled elsewhere), by where this node's keys are ({@code keys.provider}): the
 * one place the refusals ({@link KeystoreBehindCatalog}, {@link KeystoreForked}, {@link KekRefusals}, {@link
 * TenantKeyElsewhere}), the start-up check's WARN and status-page alerts ({@link KekStartupCheck}) and the rotation's
 * conflict ({@link KekCatalog}) take their fix from, and what they call the node's key store ({@link #store}).
 * Only operator-facing texts use it: what a client is told ({@link KeystoreBehindCatalog#CLIENT_MESSAGE}) does not
 * depend on it. Names configuration keys, never their values.
 */
public enum KeyRemedy {

    /**
     * {@code keys.provider: keystore}: every node has its own copy of {@code keys/kek.p12}, and a change of a tenant's
     * keys changes the copy of the node that made it only; the node out of step gets that node's copy.
     */
    KEYSTORE("keystore") {
        @Override
        public String from(String node) {
            return "copy keys/kek.p12 from " + node;
        }

        @Override
        public String fromFirst(String node) {
            return "copy " + node + "'s keys/kek.p12 to this node first, once `vaultgate doctor` there finds no KEK "
                    + "version missing (the copy replaces every key of this node)";
        }
    },

    /**
     * {@code keys.provider: pkcs11}: every node logs in to one shared HSM token and there is no key file to copy; a
     * node out of step uses another token or slot than the others ({@code keys.pkcs11.*}), or the token is an
     * out-of-date copy or was restored from an older backup.
     */
    TOKEN("token") {
        @Override
        public String from(String node) {
            return "log in to the same token as " + node + TOKEN_CHECK;
        }

        @Override
        public String fromFirst(String node) {
            return "log in to the same token as " + node + " first" + TOKEN_CHECK;
        }
    };

    private static final String TOKEN_CHECK = ": compare keys.pkcs11.library and keys.pkcs11.slot of both nodes "
            + "(with keys.provider pkcs11 the nodes share one HSM token and no key file is copied); if they match, "
            + "the token is an out-of-date copy or was restored from an older backup: restore the HSM's keys from "
            + "its newest backup (`vaultgate doctor` compares the token with the catalog)";

    private final String store;

    KeyRemedy(String store) {
        this.store = store;
    }

    /** The remedy for the node whose provider is {@code keys}, told by its name ({@link KeyProvider#name}). */
    public static KeyRemedy of(KeyProvider keys) {
        return Pkcs11KeyProvider.NAME.equals(keys.name()) ? TOKEN : KEYSTORE;
    }

    /**
     * What holds this node's keys, as the texts name it after "this node's": {@code keystore} (its copy of
     * {@code keys/kek.p12}) or {@code token} (the HSM token it logs in to).
     */
    public String store() {
        return store;
    }

    /** The fix, as a clause: get this node in step with {@code node} (e.g. "the node that rotated it"). */
    public abstract String from(String node);

    /** The fix as an alternative done before a retry here: this node gets {@code node}'s keys first. */
    public abstract String fromFirst(String node);
}
