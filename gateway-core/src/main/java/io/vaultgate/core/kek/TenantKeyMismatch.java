package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;

/**
 * The cause inside the {@link GatewayException} that refuses to complete, with this node's key, a tenant the catalog
 * records without any KEK version while data keys of its files are stored ({@code tenant add}, and the tenant's first
 * upload, rotation or key change on this node, which record this node's versions), because this node's key does not
 * open them: a key slot of the tenant fails authentication under it (another key made under the tenant's
 * alias: a keystore copy from another installation, an earlier {@code --new-key} here while the tenant's key was
 * elsewhere), or none of the slots is wrapped with a version this node holds. Recording this node's key would make it
 * the tenant's in the catalog, every node holding the key that wrapped its files would be refused as forked, and the
 * files would open nowhere. Nothing is recorded. Carries no stack trace: it is a decision, not a failure.
 */
public final class TenantKeyMismatch extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final int version;
    private final long wrappedKeys;

    /**
     * @param version     the version whose key slots failed authentication here; 0 when this node holds no version
     *                    any slot is wrapped with
     * @param wrappedKeys data keys the catalog holds wrapped with the tenant's KEK, counted exactly
     * @param remedy      the fix this node's key provider calls for, named in the message
     */
    TenantKeyMismatch(String tenant, int version, long wrappedKeys, KeyRemedy remedy) {
        this(tenant, version, wrappedKeys, false, remedy);
    }

    /**
     * @param bounded whether {@code wrappedKeys} was counted up to {@link TenantKeyProof#COUNTED} + 1 only (a
     *                client's upload, retried in a loop): above {@code COUNTED} the message says "more than"; the
     *                administrator's {@code tenant add} counts exactly, as {@link TenantKeyElsewhere} does
     */
    TenantKeyMismatch(String tenant, int version, long wrappedKeys, boolean bounded, KeyRemedy remedy) {
        super(message(tenant, version, wrappedKeys, bounded, remedy), null, false, false);
        this.tenant = tenant;
        this.version = version;
        this.wrappedKeys = wrappedKeys;
    }

    private static String message(String tenant, int version, long wrappedKeys, boolean bounded, KeyRemedy fix) {
        String found = version > 0
                ? "this node's " + fix.store() + " holds another key of tenant " + tenant + " than the one its "
                        + "files were wrapped with: their key slots of KEK version " + version + " fail authentication "
                        + "under it"
                : "this node's " + fix.store() + " holds no KEK version of tenant " + tenant + " that its files' key "
                        + "slots are wrapped with";
        return found + "; the tenant exists without a recorded KEK version and " + counted(wrappedKeys, bounded)
                + " data key(s) of its "
                + "files are stored, so this node's key is not recorded as the tenant's (the node holding the key "
                + "that wrapped them would then be refused as forked); nothing was recorded. Run `vaultgate tenant add " + tenant + "` on a node that holds the "
                + "tenant's key (the node that created it), or " + fix.fromFirst("that node");
    }

    /**
     * The count, or "more than 1000" where a bounded count stopped there ({@link TenantKeyProof#COUNTED}): only a
     * client's upload counts so far (review23b: the administrator's exact count was named "more than 1000" too).
     */
    private static String counted(long wrappedKeys, boolean bounded) {
        return bounded && wrappedKeys > TenantKeyProof.COUNTED ? "more than " + TenantKeyProof.COUNTED
                : String.valueOf(wrappedKeys);
    }

    public String tenant() {
        return tenant;
    }

    /** The version whose key slots failed authentication here; 0 when this node holds none they are wrapped with. */
    public int version() {
        return version;
    }

    /**
     * Data keys the catalog holds wrapped with the tenant's KEK; counted up to {@link TenantKeyProof#COUNTED} + 1 by
     * an upload's or key change's refusal (above {@code COUNTED}, there are more than that), exactly by the
     * administrator's {@code tenant add}.
     */
    public long wrappedKeys() {
        return wrappedKeys;
    }

    /**
     * The refusal of a client's upload (the tenant's first on this node, which would record this node's key):
     * {@code UNAVAILABLE}, telling the client only to retry, as a keystore behind the catalog is refused.
     */
    GatewayException refusal() {
        return new GatewayException(Reason.UNAVAILABLE, KeystoreBehindCatalog.CLIENT_MESSAGE, getMessage(), this);
    }

    /**
     * The refusal of the administrator's {@code tenant add}, or of a key change (rotation, rewrap, disable) on a
     * tenant without a recorded version: {@code CONFLICT}, with the cause and the fix.
     */
    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
