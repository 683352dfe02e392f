package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;

/**
 * The cause inside the {@link GatewayException} ({@code CONFLICT}) that refuses to complete, on this node, a tenant
 * the catalog records without any KEK version (an older gateway committed its row, then stopped before recording its
 * key; or a tenant from before V24 that had stored nothing when the migration ran), because this node's keystore holds
 * no key of it. The node that created the tenant most likely holds its version 1 and has served the tenant with it: a
 * new version 1 made and recorded here would make that node refuse the tenant as forked ({@link KeystoreForked}) until
 * its keystore were replaced by this one, and would leave every data key wrapped with the old key unreadable. Carries
 * no stack trace: it is a decision, not a failure.
 */
public final class TenantKeyElsewhere extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final long wrappedKeys;

    /**
     * @param wrappedKeys data keys the catalog holds wrapped with the tenant's KEK (files and uploads in progress)
     * @param remedy the fix this node's key provider calls for, named in the message
     */
    TenantKeyElsewhere(String tenant, long wrappedKeys, KeyRemedy remedy) {
        super(message(tenant, wrappedKeys, remedy), null, false, false);
        this.tenant = tenant;
        this.wrappedKeys = wrappedKeys;
    }

    private static String message(String tenant, long wrappedKeys, KeyRemedy fix) {
        String cause = "tenant " + tenant + " exists without a recorded KEK version (its creation by an older gateway "
                + "stopped before recording its key), and this node's " + fix.store() + " holds no key of it";
        String remedy = "run `vaultgate tenant add " + tenant + "` on a node that holds the tenant's key (the node "
                + "that created it), or " + fix.fromFirst("that node");
        if (wrappedKeys > 0) {
            return cause + ", while " + wrappedKeys + " data key(s) of its files are wrapped with that key: a new key "
                    + "made here would leave them unreadable; " + remedy;
        }
        return cause + ": a new key made here would make the node that holds it refuse the tenant as forked; " + remedy
                + ". If no node holds a key of it (its creation stopped before the key was made), nothing of it was "
                + "stored: `vaultgate tenant add " + tenant + " --new-key` makes its version 1 here";
    }

    public String tenant() {
        return tenant;
    }

    /** Data keys the catalog holds wrapped with the tenant's KEK; while there are any, no new key is made. */
    public long wrappedKeys() {
        return wrappedKeys;
    }

    /** The refusal of the administrator's {@code tenant add}: {@code CONFLICT}, with the cause and the fix. */
    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
