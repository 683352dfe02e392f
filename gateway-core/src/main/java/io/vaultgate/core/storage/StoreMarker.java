package io.vaultgate.core.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * The object in a store that names its {@link StoreId}: {@code <root>/.vaultgate-store} ({@link FileStoreMarker}), or
 * the key {@code <prefix>.vaultgate-store} in S3. Outside every tenant's objects, so no sweep ever lists it.
 */
public interface StoreMarker {

    /** The marker's name in the store's root, or after its key prefix. */
    String NAME = ".vaultgate-store";

    /** Where the marker is, for messages: a path, or {@code s3://bucket/key}. */
    String location();

    /**
     * The id the marker names; empty when there is no marker. A marker whose content is not a marker's text fails
     * with {@link StoreNotRecognized}.
     */
    Optional<StoreId> read() throws IOException;

    /**
     * Writes the marker where none is, and returns once it is durable: true if this call wrote it, false if a marker
     * was there already (written meanwhile by another node of a shared store; it is left as it is, and the caller
     * reads it). Never replaces a marker.
     */
    boolean write(StoreId id) throws IOException;

    /** Once the store is recognized: removes what an interrupted write left, if anything. Never fails the start. */
    default void cleanUp() {
    }
}
