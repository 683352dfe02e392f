package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.StoredDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

/**
 * A read handle: plaintext of a committed file, decrypted by the core for exactly the range each SFTP READ
 * asks for. Reads fill the buffer as far as the file allows, so clients see short reads only at the end.
 */
final class ContentChannel implements SeekableByteChannel {

    private final Path path;
    private final FileContent content;
    private long position;
    private boolean open = true;

    ContentChannel(Path path, FileContent content) {
        this.path = path;
        this.content = content;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        int total = 0;
        try {
            while (dst.hasRemaining()) {
                int n = content.read(position, dst);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                if (n == 0) {
                    break;
                }
                position += n;
                total += n;
            }
        } catch (GatewayException e) {
            throw IoErrors.translate(path, e);
        }
        return total;
    }

    /** A WRITE on a handle opened for reading: {@code SSH_FX_PERMISSION_DENIED}, as a READ on a write handle. */
    @Override
    public int write(ByteBuffer src) throws AccessDeniedException {
        throw new AccessDeniedException(path.toString(), null, "handle is open for reading only");
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    /**
     * The size and SHA-256 recorded when the file was uploaded: nothing is read, but it is refused as a read would be
     * (an operator's handle whose lease ended).
     */
    StoredDigest storedDigest() throws IOException {
        content.requireReadable();
        return new StoredDigest(content.size(), content.sha256());
    }

    @Override
    public long size() {
        return content.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() throws IOException {
        if (open) {
            open = false;
            content.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
