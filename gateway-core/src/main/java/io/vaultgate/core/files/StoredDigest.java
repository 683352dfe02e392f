package io.vaultgate.core.files;

import java.util.Objects;

/**
 * What the catalog recorded of a committed file's plaintext when its upload was committed: its size and the hex
 * SHA-256 computed as it streamed in. Read without opening the file: nothing is decrypted.
 */
public record StoredDigest(long size, String sha256) {

    public StoredDigest {
        if (size < 0) {
            throw new IllegalArgumentException("a file's size cannot be negative: " + size);
        }
        Objects.requireNonNull(sha256, "sha256");
    }
}
