package io.vaultgate.core.batch;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A batch as the catalog holds it now, with whether its tenant is active and whether the batch's holder has
 * acknowledged the tenant's current data-handling policy: what a read under a lease depends on.
 *
 * @param unacknowledgedPolicy the version of the tenant's current data-handling policy that the batch's holder has
 *                             not acknowledged; empty when there is none to acknowledge (none published, or the
 *                             holder acknowledged the current version)
 */
public record BatchStanding(Batch batch, boolean tenantActive, OptionalInt unacknowledgedPolicy) {

    public BatchStanding {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(unacknowledgedPolicy, "unacknowledgedPolicy");
    }
}
