package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;

/**
 * A read-only channel on a committed object that reads the file with {@code O_DIRECT}, past the page cache: the objects
 * are written so (the kernel's copy through its cache costs more CPU than the disk's transfer), so they are not in the
 * cache when a download or a forward reads them, and a buffered read of an uncached file costs several times the CPU of
 * a direct one (bench/directread: 2.5-2.9 CPU-s per GiB against 0.4-0.8, session 24). The file is read in aligned
 * chunks of {@value #CHUNK} bytes (positions and lengths multiples of the file store's block size, into an aligned
 * direct buffer); the last chunk is a short read, which ends at the file's end whether or not that is aligned. Reads
 * are served from the chunks, as many as {@code dst} asks for (like a {@link FileChannel}, a read is short only at the
 * end of the file).
 *
 * <p><b>Reads ahead.</b> Two chunk buffers per channel at most, taken from {@link ChunkBuffers} on first use (a file of
 * one chunk uses one). Those are bounded for the process: with every one out, a channel without a buffer reads through
 * the page cache, as a plain channel does, and one with a buffer does not read ahead. A read that continues exactly
 * where the previous one ended is sequential: after it, the chunk that follows the one the next read starts in is read
 * on a shared daemon pool ({@code object-read-ahead}) into the buffer not being read from, so a sequential reader finds
 * it ready. At most one chunk is in flight per channel. A read elsewhere (the envelope reader's header, last segment, a
 * Range or a resumed download's first segment) loads its chunk itself and leaves a read-ahead in flight alone: its
 * chunk is used if asked for, overwritten otherwise. A reader that needs a chunk still queued on the pool reads it
 * itself instead of waiting behind other channels. The envelope reader's pattern (header at 0, the last segment, then
 * the segments from the first) costs one read of each chunk, and a second read of the last one in a file of more than
 * two chunks (its buffer is the one the second chunk is read ahead into). The chunks are read by {@link
 * DirectReadFile}, held and read ahead by {@link DirectReadSlots}, one read-ahead being a {@link DirectReadAhead};
 * this class serves reads from them at its position.
 *
 * <p>Thread-safe (its methods are synchronized); close returns the buffers to the pool (one still being read into
 * goes back once that read ends). I/O failures are {@link IOException}s naming the file; a closed channel throws
 * {@link ClosedChannelException}. Where {@code O_DIRECT} does not work ({@link DirectIo#blockSize}), the store reads
 * with a plain {@link FileChannel} instead.
 */
final class DirectReadChannel implements SeekableByteChannel {

    /** Bytes read from the disk at once, and the size of each of a channel's two buffers. */
    static final int CHUNK = 1 << 20;
    private static final Executor READ_AHEAD = DirectReadAhead.newPool();

    private final DirectReadFile file;
    private final DirectReadSlots slots;
    private final int chunkSize;
    private FileChannel buffered; // opened when no chunk buffer is to be had: reads through the page cache
    private long position;
    private long lastEnd = -1; // where the previous read ended: a read starting there is sequential
    private volatile boolean open = true;
    private long bufferedReads;

    private DirectReadChannel(DirectReadFile file, ChunkBuffers buffers, Executor readAhead) {
        this.file = file;
        this.slots = new DirectReadSlots(file, buffers, readAhead);
        this.chunkSize = file.chunkSize();
    }

    /**
     * Opens {@code file} for direct reads; {@code block} is its file store's block size ({@link DirectIo#blockSize}),
     * the alignment of every read. A missing file is a {@link java.nio.file.NoSuchFileException}, as for a plain open.
     */
    static DirectReadChannel open(Path file, int block) throws IOException {
        return open(file, ChunkBuffers.shared(block), READ_AHEAD);
    }

    /** As above, reading chunks of the size of {@code buffers}' (aligned as they are), ahead on {@code readAhead}. */
    static DirectReadChannel open(Path file, ChunkBuffers buffers, Executor readAhead) throws IOException {
        return new DirectReadChannel(DirectReadFile.open(file, buffers.block(), buffers.size()), buffers, readAhead);
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        long size = file.size();
        if (position >= size) {
            return -1;
        }
        boolean sequential = position == lastEnd;
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long chunk = position / chunkSize;
            ByteBuffer bytes = slots.chunk(chunk);
            int n;
            if (bytes == null) { // every chunk buffer of the process is out: this read goes through the page cache
                n = readBuffered(dst, (int) Math.min(dst.remaining(), (chunk + 1) * chunkSize - position));
                if (n <= 0) {
                    break;
                }
            } else {
                int offset = (int) (position - chunk * chunkSize);
                if (offset >= bytes.limit()) {
                    break; // the file ended before the size it had (it was truncated under us)
                }
                n = Math.min(dst.remaining(), bytes.limit() - offset);
                dst.put(bytes.limit(offset + n).position(offset));
            }
            position += n;
            total += n;
        }
        lastEnd = position;
        if (sequential) {
            slots.readAheadOf(position, size);
        }
        return total == 0 ? -1 : total;
    }

    /** Reads at most {@code max} bytes at {@code position} through a plain channel on the file, as before O_DIRECT. */
    private int readBuffered(ByteBuffer dst, int max) throws IOException {
        if (buffered == null) {
            buffered = FileChannel.open(file.path(), StandardOpenOption.READ);
        }
        bufferedReads++;
        ByteBuffer part = dst.slice().limit(Math.min(dst.remaining(), max));
        int n = buffered.read(part, position);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    @Override
    public synchronized long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public synchronized DirectReadChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + newPosition);
        }
        requireOpen();
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        requireOpen();
        return file.size();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open && file.isOpen(); // an interrupted read closes the file (ClosedByInterruptException)
    }

    /**
     * Closes the file (which waits for a read of it in progress) and returns the buffers; a buffer whose read-ahead
     * is queued or running goes back when it ends, so nothing ever reads into a buffer another channel has.
     */
    @Override
    public synchronized void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try {
            try {
                file.close();
            } finally {
                if (buffered != null) {
                    buffered.close();
                }
            }
        } finally {
            slots.release();
        }
    }

    private void requireOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    /** Chunks read ahead so far (a test's proof that a sequential reader was read ahead for). */
    synchronized long readAheadsStarted() {
        return slots.readAheadsStarted();
    }

    /** Chunks served from a read-ahead so far. */
    synchronized long readAheadsUsed() {
        return slots.readAheadsUsed();
    }

    /** Chunks read from the file so far, by the reader or ahead of it. */
    long chunkReads() {
        return file.reads();
    }

    /** Reads served through the page cache because no chunk buffer was to be had. */
    synchronized long bufferedReads() {
        return bufferedReads;
    }

    /** Chunk buffers this channel holds (at most two). */
    synchronized int buffersHeld() {
        return slots.buffersHeld();
    }
}
