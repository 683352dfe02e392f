package io.vaultgate.core.batch;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A group of a tenant's files handed to one site as one unit of work. */
public record Batch(String id, String routeId, TenantId tenant, String siteId, BatchState state, long fileCount,
                    long totalBytes, Optional<String> claimedBy, Optional<Instant> leaseExpiresAt, Instant createdAt,
                    Instant updatedAt) {

    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(routeId, "routeId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(claimedBy, "claimedBy");
        Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
    }

    public boolean isClaimedBy(String operatorId) {
        return state == BatchState.CLAIMED && claimedBy.filter(operatorId::equals).isPresent();
    }
}
