package io.vaultgate.core.policy;

/**
 * The cause inside the {@link io.vaultgate.core.GatewayException} (reason {@code ACCESS_DENIED}) that
 * refuses a claim or download because the operator has not acknowledged the tenant's current data-handling
 * policy, so a front-end can answer with a more specific status than "permission denied". Carries no stack
 * trace: it is a decision, not a failure.
 */
public final class PolicyNotAcknowledged extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tenant;
    private final int version;

    PolicyNotAcknowledged(String tenant, int version) {
        super("tenant " + tenant + ": data-handling policy v" + version + " not acknowledged", null, false, false);
        this.tenant = tenant;
        this.version = version;
    }

    public String tenant() {
        return tenant;
    }

    /** The current version, the one to acknowledge. */
    public int version() {
        return version;
    }
}
