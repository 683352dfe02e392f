package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;

/**
 * The cause inside the {@link GatewayException} that refuses to wrap or unwrap with, or to change keys on top of, a
 * KEK version whose key in this node's keystore is not the key the catalog records under that version number (its
 * key check, {@link KekChecks}, does not verify here): a fork. It arises when a rotation on this node wrote its
 * keystore but its recording in the catalog failed (or the node stopped in between), and another node then rotated
 * the tenant and recorded its own, different key under the same number. Data wrapped by either key cannot be
 * unwrapped with the other, so this node uses neither for the tenant's new data until its keystore is replaced by
 * the copy of the node whose key the catalog records. Carries no stack trace: it is a decision, not a failure.
 */
public final class KeystoreForked extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final int version;

    /** @param remedy the fix this node's key provider calls for, named in the message */
    KeystoreForked(String tenant, int version, KeyRemedy remedy) {
        super("this node's " + remedy.store() + " holds another key under KEK version " + version + " of tenant "
                + tenant + " than the one the catalog records (its key check fails here): a rotation on this node "
                + "wrote its " + remedy.store() + " but was not recorded (it failed, or the node stopped), and another "
                + "node then made and recorded its own version " + version + "; this node neither wraps nor unwraps "
                + "with it; "
                + remedy.from("the node that rotated the tenant"), null, false, false);
        this.tenant = tenant;
        this.version = version;
    }

    public String tenant() {
        return tenant;
    }

    /** The version whose key differs here from the catalog's. */
    public int version() {
        return version;
    }

    /** The refusal of a client's upload or download: {@code UNAVAILABLE}, telling the client only to retry. */
    GatewayException refusal() {
        return new GatewayException(Reason.UNAVAILABLE, KeystoreBehindCatalog.CLIENT_MESSAGE, getMessage(), this);
    }

    /** The refusal of an administrator's key change: {@code CONFLICT}, with the cause and the fix. */
    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
