package io.vaultgate.core.ingest;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;

/**
 * Where an upload lands in the catalog: the tenant that owns it, the principal that owns the row (a client
 * account, or an operator for results), and the path stored, as the tenant sees it.
 */
record UploadTarget(TenantId tenant, String ownerId, VirtualPath storedPath) {
}
