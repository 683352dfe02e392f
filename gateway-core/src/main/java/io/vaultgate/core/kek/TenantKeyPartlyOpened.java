package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The cause inside the {@link GatewayException} that refuses the administrator's completion ({@code tenant add}) of a
 * tenant the catalog records without any KEK version, with this node's key, because that key opens some of the
 * tenant's stored data keys sampled ({@link TenantKeyProof#sample}) and not others: another key under the same version
 * number wrapped those files (a fork: two nodes, each wrapping with its own key), or their slots were altered.
 * Recording this node's key makes it the tenant's, and those files open on no node using it. Nothing is recorded,
 * unless the administrator accepts it ({@code --accept-fork}). Carries no stack trace: it is a decision.
 */
public final class TenantKeyPartlyOpened extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final transient Map<Integer, Integer> unopened;

    /**
     * @param unopened by version, the slots tried that did not open here
     * @param tried    the slots tried in all
     */
    TenantKeyPartlyOpened(String tenant, Map<Integer, Integer> unopened, int tried, KeyRemedy remedy) {
        super(message(tenant, unopened, tried, remedy), null, false, false);
        this.tenant = tenant;
        this.unopened = Map.copyOf(unopened);
    }

    private static String message(String tenant, Map<Integer, Integer> unopened, int tried, KeyRemedy fix) {
        return "this node's " + fix.store() + " opens only some of the stored data keys of tenant " + tenant
                + " it tried: " + named(unopened) + " of " + tried + " tried fail authentication under it (another "
                + "key under the same version number wrapped those files, a fork, or their key slots were altered); "
                + "the tenant exists without a recorded KEK version, and recording this node's key would leave those "
                + "files unreadable on every node using it; nothing was recorded. Run `vaultgate tenant add " + tenant
                + "` on a node whose key opens them all (the node that created the tenant), or, to record this node's "
                + "key and accept that those files do not open with it, `vaultgate tenant add " + tenant
                + " --accept-fork`";
    }

    /** "3 key slot(s) of KEK version 2 and 1 of version 1". */
    static String named(Map<Integer, Integer> unopened) {
        return unopened.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByKey().reversed())
                .map(each -> each.getValue() + " key slot(s) of KEK version " + each.getKey())
                .collect(Collectors.joining(" and "));
    }

    public String tenant() {
        return tenant;
    }

    /** By version, the slots tried that did not open here. */
    public Map<Integer, Integer> unopened() {
        return unopened;
    }

    /** The refusal of the administrator's {@code tenant add}: {@code CONFLICT}, with the cause and the fix. */
    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
