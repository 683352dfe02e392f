package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectNotFlushed;
import io.vaultgate.core.storage.PendingObject;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * An object being written to S3. {@link #sync()} persists what was written so far as the object under the
 * key (a resumable partial, which readers reject as an envelope without its final segment); the catalog,
 * not S3, says whether an object is committed.
 */
final class S3PendingObject implements PendingObject {

    private final ObjectId id;
    private final MultipartChannel channel;

    S3PendingObject(ObjectId id, MultipartChannel channel) {
        this.id = id;
        this.channel = channel;
    }

    @Override
    public ObjectId id() {
        return id;
    }

    @Override
    public SeekableByteChannel channel() {
        return channel;
    }

    /** Fails on a closed object: its close aborted what was not persisted, so nothing is left to persist. */
    @Override
    public void sync() throws IOException {
        if (!channel.isOpen()) {
            throw new ObjectNotFlushed(id, "a persist");
        }
        channel.persist();
    }

    /** Persists and closes: the object is final once this returns. */
    void commit() throws IOException {
        try {
            channel.persist();
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
