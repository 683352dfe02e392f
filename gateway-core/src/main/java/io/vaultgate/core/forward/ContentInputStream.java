package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A decrypting {@link FileContent} read front to back as a stream; memory is the reader's one segment. */
final class ContentInputStream extends InputStream {

    private final FileContent content;
    private long position;

    ContentInputStream(FileContent content) {
        this.content = content;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int read = content.read(position, ByteBuffer.wrap(buffer, offset, length));
        if (read > 0) {
            position += read;
        }
        return read;
    }

    /** Closing is the forwarder's job: it owns the content for the whole attempt. */
    @Override
    public void close() {
    }
}
