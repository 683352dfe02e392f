package io.vaultgate.core.testing.powerloss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A channel of a {@link PowerLossFileSystem}: the default file system's channel, each write, truncation and flush
 * one counted operation, a flush recording in the image what the disk now holds (the file's whole content, read
 * through a descriptor of its own, since the channel may be write-only; or a directory's entries). After the cut, and
 * for ever if it was opened before it, every call but {@link #close} throws {@link PowerCut}; closing always closes
 * the real descriptors (a lock held in them would otherwise outlive the dead process).
 */
final class PowerLossChannel extends FileChannel {

    private final PowerLossFileSystem fs;
    private final FileChannel delegate;
    /** Reads the file's content for a flush; {@code null} for a directory. */
    private final FileChannel reader;
    private final DurableImage.Node node;
    /** The directory's path (at the open), {@code null} for a file. */
    private final Path directory;
    private final String name;
    private final long epoch;

    PowerLossChannel(PowerLossFileSystem fs, FileChannel delegate, FileChannel reader, DurableImage.Node node,
                     Path directory, String name, long epoch) {
        this.fs = fs;
        this.delegate = delegate;
        this.reader = reader;
        this.node = node;
        this.directory = directory;
        this.name = name;
        this.epoch = epoch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return fs.read(epoch, "read " + name, () -> delegate.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return fs.read(epoch, "read " + name, () -> delegate.read(dsts, offset, length));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return fs.read(epoch, "read " + name, () -> delegate.read(dst, position));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return fs.step(epoch, "write " + src.remaining() + " bytes to " + name, () -> {
            int written = delegate.write(src);
            fs.image().written(node, delegate.position() - written, written);
            return written;
        });
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return fs.step(epoch, "write to " + name, () -> {
            long written = delegate.write(srcs, offset, length);
            fs.image().written(node, delegate.position() - written, written);
            return written;
        });
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return fs.step(epoch, "write " + src.remaining() + " bytes at " + position + " to " + name, () -> {
            int written = delegate.write(src, position);
            fs.image().written(node, position, written);
            return written;
        });
    }

    @Override
    public long position() throws IOException {
        return fs.read(epoch, "position of " + name, delegate::position);
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        fs.read(epoch, "position of " + name, () -> delegate.position(newPosition));
        return this;
    }

    @Override
    public long size() throws IOException {
        return fs.read(epoch, "size of " + name, delegate::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        fs.step(epoch, "truncate " + name + " to " + size, () -> {
            delegate.truncate(size);
            fs.image().truncated(node, size);
            return null;
        });
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        fs.step(epoch, (metaData ? "fsync " : "fdatasync ") + name, () -> {
            if (!delegate.isOpen()) {
                throw new ClosedChannelException();
            }
            // not passed to the disk: the image decides what survives, and a test does not wait for the device
            if (directory != null) {
                fs.image().directoryFlushed(directory);
                return null;
            }
            if (fs.takeFlushFailure()) {
                fs.image().fileFlushFailed(node);
                throw new IOException("Input/output error (a writeback error injected by the power-loss file system)");
            }
            fs.image().fileFlushed(node, content());
            return null;
        });
    }

    private byte[] content() throws IOException {
        long size = reader.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(name + " is too large for a power-loss file system: " + size + " bytes");
        }
        ByteBuffer all = ByteBuffer.allocate((int) size);
        while (all.hasRemaining()) {
            if (reader.read(all, all.position()) < 0) {
                break; // truncated meanwhile: cannot happen under the file system's lock
            }
        }
        return all.array();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return fs.read(epoch, "read " + name, () -> delegate.transferTo(position, count, target));
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return fs.step(epoch, "write to " + name, () -> {
            long written = delegate.transferFrom(src, position, count);
            fs.image().written(node, position, written);
            return written;
        });
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("a power-loss file system does not map files (" + name + ")");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        fs.read(epoch, "lock " + name, () -> null);
        return delegate.lock(position, size, shared); // may wait: not under the file system's lock
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return fs.read(epoch, "lock " + name, () -> delegate.tryLock(position, size, shared));
    }

    @Override
    protected void implCloseChannel() throws IOException {
        fs.closed(this);
        closeDescriptors();
    }

    /** Closes the real descriptors (also at a restart, for a channel the dead process left open). */
    void closeDescriptors() throws IOException {
        try {
            delegate.close();
        } finally {
            if (reader != null && reader != delegate) {
                reader.close();
            }
        }
    }
}
