package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pending object's file of {@link FileSystemObjectStore}. Its flushes fail on a closed object
 * ({@link ObjectNotFlushed}, review22d L4): closing does not flush, so a closed object's bytes may not be on disk, and
 * a flush that did not happen must not look like one that did.
 */
record FilePendingObject(ObjectId id, Path file, WritebackChannel channel) implements PendingObject {
    /**
     * The data and metadata, then the object's directory ({@code .pending}), so a partial kept for a resume has its
     * entry on disk too, not only its bytes (a new object's entry is in no other flush; crash-consistency audit L3).
     */
    @Override
    public void sync() throws IOException {
        requireOpen("a flush");
        channel.forceAll();
        FileStoreLayout.fsyncDirectory(file.getParent());
    }

    /** The data and the metadata needed to read it back (size), not the times ({@code fdatasync}). */
    void syncData() throws IOException {
        requireOpen("a data flush");
        channel.forceData();
    }

    void requireOpen(String flush) throws ObjectNotFlushed {
        if (!channel.isOpen()) {
            throw new ObjectNotFlushed(id, flush);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
