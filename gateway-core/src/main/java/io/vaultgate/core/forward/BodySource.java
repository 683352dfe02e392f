package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileContent;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A request body read by position, of a known size: a decrypting {@link FileContent}, or a stored envelope
 * sent as it is. Positional, so a request repeated on a fresh connection reads it again from the start.
 */
interface BodySource {

    long size();

    /** Reads from {@code position} into {@code dst}; -1 at the end. */
    int read(long position, ByteBuffer dst) throws IOException;

    /** The plaintext of a committed file. */
    static BodySource of(FileContent content) {
        return new BodySource() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                return content.read(position, dst);
            }
        };
    }
}
