package io.vaultgate.core.batch;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator's hold on a batch, as a read opened under it knows it: the batch, its holder, when the hold runs out
 * and when the claim that started it was made ({@code batches.updated_at} of a claimed batch: a claim sets it, a
 * renewal only moves the expiry).
 *
 * <p>A renewal before the lease ran out continues the same lease, however many renewals a handle did not see. A
 * claim after it ran out is a new lease, also when the same operator took the batch again and the batch never left
 * {@code CLAIMED}: its claim time differs. So a read handle never outlives the lease it was opened under.
 */
public record Lease(String batchId, TenantId tenant, String holder, Instant expiresAt, Instant claimedAt) {

    public Lease {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(claimedAt, "claimedAt");
    }

    /** What a catalog read of the batch means for this lease: it still holds (perhaps renewed), or why it ended. */
    public sealed interface Verdict permits Holds, Ended {
    }

    /** The lease still holds, as {@code lease} (a renewal moved its expiry). */
    public record Holds(Lease lease) implements Verdict {
    }

    /** The lease ended; {@code reason} says how, in words safe to show its operator. */
    public record Ended(String reason) implements Verdict {
    }

    /** The lease its holder has on {@code batch}, read at {@code now}; empty if it does not hold it then. */
    public static Optional<Lease> of(Batch batch, String operatorId, Instant now) {
        if (!batch.isHeldBy(operatorId, now)) {
            return Optional.empty();
        }
        return Optional.of(new Lease(batch.id(), batch.tenant(), operatorId, batch.leaseExpiresAt().orElseThrow(),
                batch.updatedAt()));
    }

    /** Whether the lease still holds at {@code now}, judged from the catalog's {@code current} standing of the batch. */
    public Verdict follow(BatchStanding current, Instant now) {
        Batch batch = current.batch();
        if (!current.tenantActive()) {
            return new Ended("the tenant is locked");
        }
        if (batch.state() == BatchState.COMPLETED) {
            return new Ended("the batch was completed");
        }
        if (batch.state() == BatchState.ABANDONED) {
            return new Ended("the site was removed");
        }
        if (batch.state() != BatchState.CLAIMED) {
            return new Ended(expiresAt.isAfter(now) ? "the batch was released" : "the lease ran out");
        }
        if (!batch.isClaimedBy(holder)) {
            return new Ended("the batch is claimed by another operator");
        }
        if (!batch.updatedAt().equals(claimedAt) || !batch.isHeldBy(holder, now)) {
            return new Ended("the lease ran out");
        }
        if (current.unacknowledgedPolicy().isPresent()) {
            return new Ended("the tenant's data-handling policy v" + current.unacknowledgedPolicy().getAsInt()
                    + " is not acknowledged");
        }
        return new Holds(new Lease(batchId, tenant, holder, batch.leaseExpiresAt().orElseThrow(), claimedAt));
    }
}
