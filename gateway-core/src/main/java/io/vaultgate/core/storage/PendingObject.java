package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A ciphertext object being written. It is invisible until {@link ObjectStore#commit} makes it durable
 * and final; until then it can be {@linkplain #sync() synced} and left as a resumable partial, or
 * discarded.
 */
public interface PendingObject extends AutoCloseable {

    ObjectId id();

    /**
     * Positional channel on the temporary object. Stores may restrict it to how envelope writers use it:
     * appends, and rewrites or truncation of the last segment only (the S3 store sends earlier bytes away).
     */
    SeekableByteChannel channel();

    /**
     * Forces written bytes to stable storage without committing. Fails with {@link ObjectNotFlushed} on a closed
     * object: closing does not flush.
     */
    void sync() throws IOException;

    /** Closes the channel; the temporary object stays (a resumable partial) unless committed. */
    @Override
    void close() throws IOException;
}
