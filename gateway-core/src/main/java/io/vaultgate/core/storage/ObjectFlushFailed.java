package io.vaultgate.core.storage;

import java.io.IOException;

/**
 * A flush of a pending object failed, in the background or in a commit's or suspend's own flush. The object's data
 * can no longer be proven durable: after a failed {@code fdatasync} Linux marks the failed pages clean and reports the
 * error once, so a later flush may succeed although those pages never reached the disk. Every later flush of the same
 * object fails with this too; its upload is discarded or fails, and is never acknowledged.
 */
public final class ObjectFlushFailed extends IOException {

    private static final long serialVersionUID = 1L;

    ObjectFlushFailed(String flush, Throwable cause) {
        super(flush + " of the object failed: " + cause.getMessage() + "; what was written to it since its last "
                + "successful flush may not be on disk", cause);
    }

    private ObjectFlushFailed(ObjectFlushFailed first) {
        super(first.getMessage(), first.getCause());
    }

    /** The same failure, thrown again on this thread (each throw its own instance, with its own stack). */
    ObjectFlushFailed again() {
        return new ObjectFlushFailed(this);
    }
}
