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

    /** Reads plaintext from {@code position} into {@code dst}; returns -1 at the end. */
    int read(long position, ByteBuffer dst) throws IOException;

    @Override
    void close() throws IOException;
}
