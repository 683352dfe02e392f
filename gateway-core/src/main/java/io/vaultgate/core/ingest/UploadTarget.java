package io.vaultgate.core.ingest;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an upload lands in the catalog: the tenant that owns it, the principal that owns the row (a client
 * account, or an operator for results), the path stored, as the tenant sees it, and for an operator's result the
 * batch it answers, which the operator must still hold when the result commits.
 */
record UploadTarget(TenantId tenant, String ownerId, VirtualPath storedPath, Optional<String> resultOf) {

    UploadTarget {
        Objects.requireNonNull(resultOf, "resultOf");
    }
}
