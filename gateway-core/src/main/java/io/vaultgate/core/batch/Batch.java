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

    /**
     * Whether the batch is offered to its site's operators: READY with at least one file. A READY batch left without
     * files is never listed nor claimable, as if it did not exist; it ends EMPTIED ({@link EmptyBatches}).
     */
    public boolean isOffered() {
        return state == BatchState.READY && fileCount > 0;
    }

    public boolean isClaimedBy(String operatorId) {
        return state == BatchState.CLAIMED && claimedBy.filter(operatorId::equals).isPresent();
    }

    /**
     * Whether the operator holds the batch at {@code now}: claimed by it and its lease not run out. A lease that ran
     * out ends the operator's access at once, before maintenance returns the batch to {@code READY}.
     */
    public boolean isHeldBy(String operatorId, Instant now) {
        return isClaimedBy(operatorId) && leaseExpiresAt.filter(expiry -> !expiry.isAfter(now)).isEmpty();
    }
}
