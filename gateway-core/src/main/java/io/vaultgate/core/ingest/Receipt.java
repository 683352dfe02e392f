package io.vaultgate.core.ingest;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/** What the gateway acknowledges for a committed upload. */
public record Receipt(String fileId, TenantId tenant, String path, long size, String sha256, Instant committedAt) {
    public Receipt {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(committedAt, "committedAt");
    }
}
