package io.vaultgate.core.policy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;

/**
 * The one check every path by which an operator handles a tenant's data passes (batch claims, file reads and listings,
 * result uploads, batch completions, over any protocol): the operator must have acknowledged the tenant's current
 * data-handling policy. A tenant that never published a policy has nothing to acknowledge. A new version must be
 * acknowledged again.
 */
public final class PolicyGate {

    /** The operator API path where the refusal says to acknowledge; shown to the client. */
    static final String ACK_PATH = "POST /v1/operator/tenants/%s/policy/ack";

    private final PolicyRepository policies = new PolicyRepository();

    /** Inside the caller's transaction or read. */
    public void requireAcknowledged(Jdbc jdbc, OperatorPrincipal operator, TenantId tenant) throws SQLException {
        requireAcknowledged(jdbc, operator.operatorId(), tenant);
    }

    /**
     * The same for the operator of id {@code operatorId}, inside the caller's transaction: for the commit of a result
     * upload, which knows its writer by id (a new version published while the upload was open refuses it there).
     */
    public void requireAcknowledged(Jdbc jdbc, String operatorId, TenantId tenant) throws SQLException {
        int current = policies.currentVersion(jdbc, tenant);
        if (current > 0 && !policies.acknowledged(jdbc, tenant, current, operatorId)) {
            throw refusal(tenant, current);
        }
    }

    /** In a read of its own. */
    public void requireAcknowledged(Database database, OperatorPrincipal operator, TenantId tenant) {
        database.read(jdbc -> {
            requireAcknowledged(jdbc, operator, tenant);
            return null;
        });
    }

    static GatewayException refusal(TenantId tenant, int version) {
        return new GatewayException(Reason.ACCESS_DENIED, "tenant " + tenant + ": acknowledge its data-handling "
                + "policy v" + version + " before claiming, reading or returning its data ("
                + ACK_PATH.formatted(tenant) + ", or ask an admin to run `vaultgate policy ack`)",
                "operator has not acknowledged policy v" + version + " of tenant " + tenant,
                new PolicyNotAcknowledged(tenant.value(), version));
    }
}
