package io.vaultgate.core.policy;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/** An operator acknowledged version {@code version} of a tenant's policy; {@code recordedBy} is who recorded it. */
public record PolicyAck(TenantId tenant, int version, String operatorId, String operator, String recordedBy,
                        Instant acknowledgedAt) {

    public PolicyAck {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(operatorId, "operatorId");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(recordedBy, "recordedBy");
        Objects.requireNonNull(acknowledgedAt, "acknowledgedAt");
    }
}
