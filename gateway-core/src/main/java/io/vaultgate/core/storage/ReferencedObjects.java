package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalog's side of a {@link ObjectStore#sweep}: which of the objects a store lists are still referred
 * to. A sweep asks about at most {@link #BATCH} objects at a time, so its memory stays bounded however many
 * files a tenant holds (the sweep used to hold every committed object id of the tenant at once).
 */
public interface ReferencedObjects {

    /** The most ids a sweep asks about in one call. */
    int BATCH = 500;

    /** Of {@code ids}, those of the tenant's committed files. */
    Set<ObjectId> committed(TenantId tenant, List<ObjectId> ids);

    /** Of {@code ids}, those of the tenant's uploads not committed yet (streaming, or interrupted partials). */
    Set<ObjectId> pending(TenantId tenant, List<ObjectId> ids);

    /** Of {@code ids}, those of any file of the tenant, committed or not. */
    default Set<ObjectId> any(TenantId tenant, List<ObjectId> ids) {
        Set<ObjectId> referenced = new HashSet<>(committed(tenant, ids));
        referenced.addAll(pending(tenant, ids));
        return referenced;
    }
}
