package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * Where ciphertext lives, segregated by tenant. Objects are written to a temporary place, then made
 * durable and visible in one {@link #commit}; nothing but ciphertext is ever handed to a store.
 *
 * <p>A store is used only once {@link StoreIdentity} has found its marker naming the catalog's store id: it is then
 * the store the catalog's objects were written to, so an object it does not find is gone (an interrupted upload
 * whose object is not found is discarded at recovery).
 */
public interface ObjectStore {

    /** Creates a new temporary object for a tenant. */
    PendingObject create(TenantId tenant, ObjectId id) throws IOException;

    /**
     * Reopens a temporary object left by an interrupted upload, to resume it; also one the store had made final
     * when the process died before the catalog recorded it as committed (only an upload's id is reopened).
     */
    PendingObject reopen(TenantId tenant, ObjectId id) throws IOException;

    /**
     * Makes the object durable and final (fsync, atomic rename, directory fsync), then closes it. A commit that fails
     * closes the object too: the caller discards it (or a restart's recovery finds it), never writes to it again.
     */
    void commit(TenantId tenant, PendingObject object) throws IOException;

    /** Opens a committed object for random-access reads. */
    SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException;

    /** Deletes a committed or temporary object; absent objects are ignored. */
    void delete(TenantId tenant, ObjectId id) throws IOException;

    /**
     * Deletes every object, committed or temporary, that the catalog no longer refers to ({@code referenced},
     * asked in bounded batches while the store's objects are listed): the leftovers of crashes and aborted
     * uploads. Returns how many were removed.
     */
    int sweep(TenantId tenant, ReferencedObjects referenced) throws IOException;

    /**
     * Whether the store still shows the marker it was recognized by at start, so that an object it does not find is
     * gone (review25a M1): false where a directory store's file system was unmounted while the node runs, leaving
     * the empty mount point. True for a store that cannot lose its marker that way, and for one never checked.
     */
    default boolean stillRecognized() throws IOException {
        return true;
    }
}
