package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;

/**
 * The cause inside the {@link GatewayException} (reason {@code UNAVAILABLE}) that refuses to wrap or unwrap a
 * tenant's data key on a node whose keystore copy lacks the tenant's newest KEK version the catalog records: another
 * node rotated it (perhaps in an emergency, the older version being compromised) and the keystore file was not
 * copied here yet (with an HSM token: this node uses another token than the node that rotated it, or an out-of-date
 * one). The node fails closed until it is. Carries no stack trace: it is a decision, not a failure.
 */
public final class KeystoreBehindCatalog extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a client is told: nothing about keys or nodes, and that trying again (elsewhere, later) may work. */
    public static final String CLIENT_MESSAGE = "the tenant's encryption keys are being updated on this gateway "
            + "node; retry later";

    private final String tenant;
    private final int active;
    private final int here;

    /** @param remedy the fix this node's key provider calls for, named in the message */
    KeystoreBehindCatalog(String tenant, int active, int here, KeyRemedy remedy) {
        super("this node's " + remedy.store() + " is behind the catalog: KEK version " + active + " of tenant "
                + tenant + " is active" + (here == 0 ? " (this node's " + remedy.store() + " has no KEK of the tenant)"
                : " (this node's " + remedy.store() + " has version " + here + ")")
                + "; " + remedy.from("the node that rotated it"), null, false, false);
        this.tenant = tenant;
        this.active = active;
        this.here = here;
    }

    public String tenant() {
        return tenant;
    }

    /** The tenant's active KEK version, as the catalog records it. */
    public int active() {
        return active;
    }

    /** The newest enabled version in this node's keystore; 0 when it has none of the tenant. */
    public int here() {
        return here;
    }

    /** The refusal of a client's upload or download: {@code UNAVAILABLE}, telling the client only to retry. */
    GatewayException refusal() {
        return new GatewayException(Reason.UNAVAILABLE, CLIENT_MESSAGE, getMessage(), this);
    }

    /** The refusal of an administrator's key change: {@code CONFLICT}, with the cause and the fix. */
    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
