package io.vaultgate.core.files;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The catalog's row for one uploaded payload. */
public record FileRecord(String id, TenantId tenant, String accountId, VirtualPath path, FileState state,
                         ObjectId objectId, long size, Optional<String> sha256, Instant createdAt,
                         Instant updatedAt) {

    public FileRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
    }

    public FileEntry toEntry() {
        return new FileEntry(path, false, size, updatedAt, state != FileState.COMMITTED);
    }
}
