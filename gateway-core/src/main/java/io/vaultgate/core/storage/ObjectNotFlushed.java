package io.vaultgate.core.storage;

import java.io.IOException;

/**
 * A flush of a pending object that could not happen because the object was already closed. Closing does not flush
 * (a closed object is a partial kept as it is on disk, or one being discarded), so a flush asked for afterwards would
 * report as durable bytes that may still be only in the page cache: it fails instead, naming the object.
 */
public final class ObjectNotFlushed extends IOException {

    private static final long serialVersionUID = 1L;

    private final ObjectId object;

    public ObjectNotFlushed(ObjectId object, String flush) {
        super("object " + object + ": " + flush + " asked for after the object was closed; closing does not flush, "
                + "so what was written to it may not be on disk");
        this.object = object;
    }

    /** The object that was not flushed. */
    public ObjectId object() {
        return object;
    }
}
