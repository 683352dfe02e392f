package io.vaultgate.core.batch;

import java.util.Objects;

/** A batch as the catalog holds it now, with whether its tenant is active: what a read under a lease depends on. */
public record BatchStanding(Batch batch, boolean tenantActive) {

    public BatchStanding {
        Objects.requireNonNull(batch, "batch");
    }
}
