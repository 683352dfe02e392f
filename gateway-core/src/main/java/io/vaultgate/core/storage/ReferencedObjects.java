package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog's side of a {@link ObjectStore#sweep}: which of the objects a store lists are still referred
 * to. A sweep asks about at most {@link #BATCH} objects at a time, so its memory stays bounded however many
 * files a tenant holds (the sweep used to hold every committed object id of the tenant at once).
 */
public interface ReferencedObjects {

    /** The most ids a sweep asks about in one call. */
    int BATCH = 500;

    /**
     * Of {@code ids}, those a committed name may hold: the tenant's committed files, and its uploads still
     * {@code UPLOADING} (a crash between the store's commit and the catalog's leaves the object under its committed
     * name until recovery reopens it).
     */
    Set<ObjectId> committed(TenantId tenant, List<ObjectId> ids);

    /** Of {@code ids}, those of the tenant's uploads not committed yet (streaming, or interrupted partials). */
    Set<ObjectId> pending(TenantId tenant, List<ObjectId> ids);

    /**
     * The core's time of this sweep (the catalog's, on a node or command that measured it), if the caller has a core:
     * a store that spares what is younger than a grace (S3's orphan sweep) judges ages by the earlier of this and its
     * own clock, so that neither a host clock nor a catalog clock running ahead gets another node's object, stored a
     * moment before its catalog row, taken for an old orphan. Empty: the store's own clock alone.
     */
    default Optional<Instant> now() {
        return Optional.empty();
    }

    /** Of {@code ids}, those of any file of the tenant, committed or not. */
    default Set<ObjectId> any(TenantId tenant, List<ObjectId> ids) {
        Set<ObjectId> referenced = new HashSet<>(committed(tenant, ids));
        referenced.addAll(pending(tenant, ids));
        return referenced;
    }
}
