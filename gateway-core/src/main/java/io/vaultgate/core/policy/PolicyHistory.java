package io.vaultgate.core.policy;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.util.List;

/** Read-only access to a tenant's published policies and their acknowledgements (for reports). */
public final class PolicyHistory {

    private final Database database;
    private final PolicyRepository rows = new PolicyRepository();

    public PolicyHistory(Database database) {
        this.database = database;
    }

    /** Every version, oldest first. */
    public List<DataPolicy> versions(TenantId tenant) {
        return database.read(jdbc -> rows.history(jdbc, tenant));
    }

    /** Every acknowledgement, in time order. */
    public List<PolicyAck> acknowledgements(TenantId tenant) {
        return database.read(jdbc -> rows.acks(jdbc, tenant));
    }
}
