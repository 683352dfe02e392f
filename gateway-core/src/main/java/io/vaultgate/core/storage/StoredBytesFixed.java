package io.vaultgate.core.storage;

import java.io.IOException;

/**
 * A truncation or rewrite of a pending object below the bytes its store already holds for good (on S3, the parts
 * already sent: only the last, buffered part can change). Retrying cannot help: the same cut fails the same way.
 */
public final class StoredBytesFixed extends IOException {

    private static final long serialVersionUID = 1L;

    public StoredBytesFixed(String message) {
        super(message);
    }
}
