package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * Where ciphertext lives, segregated by tenant. Objects are written to a temporary place, then made
 * durable and visible in one {@link #commit}; nothing but ciphertext is ever handed to a store.
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
     * Whether an object of {@code tenant} that {@link #reopen} does not find is proof that it is gone, which lets
     * recovery discard the interrupted upload it belonged to. False when the place such objects are written to is
     * missing as a whole (a file-system store whose root is not mounted yet: {@link PendingDirectories}): recovery
     * then keeps the upload and tries it again. True by default: an S3 bucket that is missing or not reachable fails
     * every request instead of answering "no such key".
     */
    default boolean provesGone(TenantId tenant) throws IOException {
        return true;
    }
}
