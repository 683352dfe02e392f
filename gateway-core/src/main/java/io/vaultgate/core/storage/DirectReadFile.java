package io.vaultgate.core.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file under a {@link DirectReadChannel}, opened with {@code O_DIRECT} and read in whole chunks only: each read is
 * at a multiple of the chunk size, in whole blocks of the file store, into an aligned buffer, so that the kernel takes
 * it past the page cache. The reader's thread and a read-ahead's may read at once, each into its own buffer. Once
 * closed, no read starts ({@link ClosedChannelException}); a failure is an {@link IOException} naming the file.
 */
final class DirectReadFile implements Closeable {

    private final Path path;
    private final FileChannel file;
    private final int block;
    private final int chunkSize;
    private final AtomicLong reads = new AtomicLong();
    private volatile boolean open = true;

    private DirectReadFile(Path path, FileChannel file, int block, int chunkSize) {
        this.path = path;
        this.file = file;
        this.block = block;
        this.chunkSize = chunkSize;
    }

    /**
     * Opens {@code path} for direct reads of chunks of {@code chunkSize} bytes, aligned to {@code block}. A missing
     * file is a {@link java.nio.file.NoSuchFileException}, as for a plain open.
     */
    static DirectReadFile open(Path path, int block, int chunkSize) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        return new DirectReadFile(path, channel, block, chunkSize);
    }

    Path path() {
        return path;
    }

    int chunkSize() {
        return chunkSize;
    }

    long size() throws IOException {
        return file.size();
    }

    /**
     * Reads chunk {@code chunk} into {@code buffer} (its position and limit left alone); returns the bytes read, as
     * many as the chunk holds or fewer at the end of the file. Every read is at an aligned position for an aligned
     * length: a read that returns fewer bytes than a block's multiple has reached the end.
     */
    int read(long chunk, ByteBuffer buffer) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        ByteBuffer into = buffer.duplicate().clear();
        long at = chunk * chunkSize;
        reads.incrementAndGet();
        try {
            while (into.hasRemaining()) {
                int n = file.read(into, at + into.position());
                if (n <= 0 || n % block != 0) {
                    break;
                }
            }
        } catch (ClosedChannelException closed) {
            throw closed;
        } catch (IOException e) {
            throw failure(chunk, e);
        }
        return into.position();
    }

    /** The failure of the read of {@code chunk}, naming the file, the read and its cause. */
    IOException failure(long chunk, Throwable cause) {
        return new IOException(path + ": the direct read of " + chunkSize + " bytes at " + chunk * chunkSize
                + " failed: " + cause, cause);
    }

    /** Chunks read so far, on any thread. */
    long reads() {
        return reads.get();
    }

    /** False once closed, or once an interrupted read closed the file ({@code ClosedByInterruptException}). */
    boolean isOpen() {
        return open && file.isOpen();
    }

    /** Closes the file, which waits for a read of it in progress; no read starts after. */
    @Override
    public void close() throws IOException {
        open = false;
        file.close();
    }
}
