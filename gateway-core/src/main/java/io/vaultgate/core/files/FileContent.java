package io.vaultgate.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A committed file opened for reading: plaintext, decrypted on the fly segment by segment, with random
 * access. Every read is authenticated; tampered ciphertext fails instead of returning bytes.
 */
public interface FileContent extends AutoCloseable {

    String fileId();

    /** Exact plaintext size. */
    long size();

    /** Hex SHA-256 of the plaintext, recorded when the upload was committed. */
    String sha256();

    /**
     * Throws if this content may no longer be read, as {@link #read} would: an operator's file whose batch lease
     * ended. An answer drawn from the stored digest rather than the bytes (a by-handle SFTP {@code check-file}) asks
     * this first, so it tells nothing a read would refuse. A decorator forwards it.
     */
    default void requireReadable() throws IOException {
    }

    /** Reads plaintext from {@code position} into {@code dst}; returns -1 at the end. */
    int read(long position, ByteBuffer dst) throws IOException;

    @Override
    void close() throws IOException;
}
