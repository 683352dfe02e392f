package io.vaultgate.core.forward;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One file to deliver to one site: a row of the outbox.
 *
 * @param version changes on every change (a claim draws it at random); claims and outcomes are compare-and-set on it
 * @param attempts attempts started so far (a claim counts, so a worker that dies mid-send still uses one)
 * @param siteDigest hex SHA-256 the site answered, once delivered
 */
public record ForwardJob(String id, String fileId, TenantId tenant, String siteId, ForwardState state, long version,
                         int attempts, Instant nextAttemptAt, Optional<String> leaseOwner,
                         Optional<Instant> leaseExpiresAt, Optional<String> lastError, Optional<String> siteDigest,
                         Optional<Instant> deliveredAt, Instant createdAt, Instant updatedAt) {

    public ForwardJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(leaseOwner, "leaseOwner");
        Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(siteDigest, "siteDigest");
        Objects.requireNonNull(deliveredAt, "deliveredAt");
        if (attempts < 0 || version < 0) {
            throw new IllegalArgumentException("attempts and version must be >= 0");
        }
    }

    /**
     * When the job was abandoned (its site removed, or its file gone before it was sent), if it was: an abandoned
     * row never changes again.
     */
    public Optional<Instant> abandonedAt() {
        return state == ForwardState.ABANDONED ? Optional.of(updatedAt) : Optional.empty();
    }
}
