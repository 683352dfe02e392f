package io.vaultgate.core.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * two chunks (its buffer is the one the second chunk is read ahead into).
 *
 * <p>Thread-safe (its methods are synchronized); close returns the buffers to the pool (one still being read into
 * goes back once that read ends). I/O failures are {@link IOException}s naming the file; a closed channel throws
 * {@link ClosedChannelException}. Where {@code O_DIRECT} does not work ({@link DirectIo#blockSize}), the store reads
 * with a plain {@link FileChannel} instead.
 */
final class DirectReadChannel implements SeekableByteChannel {

    /** Bytes read from the disk at once, and the size of each of a channel's two buffers. */
    static final int CHUNK = 1 << 20;
    private static final Executor READ_AHEAD = readAheadPool();

    private final Path path;
    private final FileChannel file;
    private final ChunkBuffers buffers;
    private final int block;
    private final int chunkSize;
    private final Executor readAhead;
    private FileChannel buffered; // opened when no chunk buffer is to be had: reads through the page cache
    private final Slot[] slots = {new Slot(), new Slot()};
    private Slot recent = slots[0]; // the slot the last byte served came from
    private long position;
    private long lastEnd = -1; // where the previous read ended: a read starting there is sequential
    private volatile boolean open = true;
    private long aheadStarted;
    private long aheadUsed;
    private final AtomicLong chunkReads = new AtomicLong();
    private long bufferedReads;

    /** A chunk buffer and the chunk it holds (or is being read into by {@link #pending}). */
    private static final class Slot {
        ByteBuffer buffer;
        long chunk = -1;
        int length;
        ReadAhead pending;
        boolean fromReadAhead;
    }

    private DirectReadChannel(Path path, FileChannel file, ChunkBuffers buffers, Executor readAhead) {
        this.path = path;
        this.file = file;
        this.buffers = buffers;
        this.block = buffers.block();
        this.chunkSize = buffers.size();
        this.readAhead = readAhead;
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
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        return new DirectReadChannel(file, channel, buffers, readAhead);
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
            Slot slot = slotFor(chunk);
            if (slot == null) { // every chunk buffer of the process is out: this read goes through the page cache
                int n = readBuffered(dst, (int) Math.min(dst.remaining(), (chunk + 1) * chunkSize - position));
                if (n <= 0) {
                    break;
                }
                position += n;
                total += n;
                continue;
            }
            int offset = (int) (position - chunk * chunkSize);
            if (offset >= slot.length) {
                break; // the file ended before the size it had (it was truncated under us)
            }
            int n = Math.min(dst.remaining(), slot.length - offset);
            dst.put(slot.buffer.duplicate().limit(offset + n).position(offset));
            position += n;
            total += n;
        }
        lastEnd = position;
        if (sequential) {
            readAhead(size);
        }
        return total == 0 ? -1 : total;
    }

    /**
     * The slot holding {@code chunk}: a hit, a read-ahead awaited (or read here if still queued), or a load; null if
     * the chunk is to be loaded and no chunk buffer is to be had.
     */
    private Slot slotFor(long chunk) throws IOException {
        for (Slot slot : slots) {
            if (slot.chunk == chunk) {
                if (slot.pending != null) {
                    finish(slot);
                }
                if (slot.fromReadAhead) {
                    aheadUsed++;
                    slot.fromReadAhead = false;
                }
                recent = slot;
                return slot;
            }
        }
        Slot other = recent == slots[0] ? slots[1] : slots[0];
        settle(other);
        Slot target = other.pending == null ? other : recent; // a read-ahead in flight is left to finish
        if (target.buffer == null) {
            target.buffer = buffers.take();
            if (target.buffer == null) {
                Slot withBuffer = target == other ? recent : other;
                if (withBuffer.buffer == null || withBuffer.pending != null) {
                    return null;
                }
                target = withBuffer;
            }
        }
        target.chunk = -1;
        target.fromReadAhead = false;
        target.length = readChunk(chunk, target.buffer);
        target.chunk = chunk;
        recent = target;
        return target;
    }

    /** Waits for the read-ahead of {@code slot} (or runs it here if no pool thread has taken it yet). */
    private void finish(Slot slot) throws IOException {
        ReadAhead pending = slot.pending;
        pending.run(); // does nothing if a pool thread has it
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    slot.length = pending.result.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the buffer is not ours again before the read ends: wait on
                } catch (ExecutionException e) {
                    slot.chunk = -1;
                    Throwable cause = e.getCause();
                    if (cause instanceof ClosedChannelException closed) {
                        throw closed;
                    }
                    if (cause instanceof IOException named) { // readChunk's, naming the file already
                        throw new IOException(named.getMessage(), named);
                    }
                    throw failure(pending.chunk, cause);
                }
            }
        } finally {
            slot.pending = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After a sequential read: starts reading the chunk after the one the next read starts in (or that one, if
     * no slot holds it) into the other slot (the one not read from last, where no slot holds it), unless it is
     * held already, lies past the end, or a read-ahead is in flight.
     */
    private void readAhead(long size) {
        long current = position / chunkSize;
        Slot keep = slots[0].chunk == current ? slots[0] : slots[1].chunk == current ? slots[1] : recent;
        long next = keep.chunk == current ? current + 1 : current;
        if (next * chunkSize >= size || holds(next)) {
            return;
        }
        settle(slots[0]);
        settle(slots[1]);
        if (slots[0].pending != null || slots[1].pending != null) {
            return; // one read-ahead in flight at a time
        }
        Slot spare = keep == slots[0] ? slots[1] : slots[0];
        if (spare.buffer == null) {
            spare.buffer = buffers.take();
            if (spare.buffer == null) {
                return; // every chunk buffer of the process is out: no read-ahead
            }
        }
        ReadAhead task = new ReadAhead(next, spare.buffer);
        spare.chunk = next;
        spare.pending = task;
        spare.fromReadAhead = true;
        aheadStarted++;
        try {
            readAhead.execute(task);
        } catch (RuntimeException rejected) {
            // left queued in the slot: the reader runs it itself when it gets there (finish)
        }
    }

    /**
     * Takes in a read-ahead of {@code slot} that has ended, whether or not its chunk was asked for since: its bytes
     * if it succeeded (a later read of its chunk uses them), nothing if it failed (a later read of its chunk reads
     * it again and reports its own failure). One still queued or running is left alone.
     */
    private void settle(Slot slot) {
        ReadAhead pending = slot.pending;
        if (pending == null || !pending.result.isDone()) {
            return;
        }
        slot.pending = null;
        if (pending.result.isCompletedExceptionally()) {
            slot.chunk = -1;
            slot.fromReadAhead = false;
        } else {
            slot.length = pending.result.join();
        }
    }

    private boolean holds(long chunk) {
        return slots[0].chunk == chunk || slots[1].chunk == chunk;
    }

    /** One chunk read ahead, by whichever comes first: a pool thread or the reader needing it. */
    private final class ReadAhead implements Runnable {
        final long chunk;
        final ByteBuffer buffer;
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        private final AtomicBoolean taken = new AtomicBoolean();

        ReadAhead(long chunk, ByteBuffer buffer) {
            this.chunk = chunk;
            this.buffer = buffer;
        }

        @Override
        public void run() {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            try {
                if (!open) {
                    throw new ClosedChannelException();
                }
                result.complete(readChunk(chunk, buffer));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }
    }

    /**
     * Reads chunk {@code chunk} into {@code buffer} (its position and limit left alone); returns the bytes read, as
     * many as the chunk holds or fewer at the end of the file. Every read is at an aligned position for an aligned
     * length: a read that returns fewer bytes than a block's multiple has reached the end.
     */
    private int readChunk(long chunk, ByteBuffer buffer) throws IOException {
        ByteBuffer into = buffer.duplicate().clear();
        long at = chunk * chunkSize;
        chunkReads.incrementAndGet();
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

    /** Reads at most {@code max} bytes at {@code position} through a plain channel on the file, as before O_DIRECT. */
    private int readBuffered(ByteBuffer dst, int max) throws IOException {
        if (buffered == null) {
            buffered = FileChannel.open(path, StandardOpenOption.READ);
        }
        bufferedReads++;
        ByteBuffer part = dst.slice().limit(Math.min(dst.remaining(), max));
        int n = buffered.read(part, position);
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    private IOException failure(long chunk, Throwable cause) {
        return new IOException(path + ": the direct read of " + chunkSize + " bytes at " + chunk * chunkSize
                + " failed: " + cause, cause);
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
            for (Slot slot : slots) {
                ByteBuffer buffer = slot.buffer;
                slot.buffer = null;
                slot.chunk = -1;
                if (buffer == null) {
                    continue;
                }
                if (slot.pending == null) {
                    buffers.giveBack(buffer);
                } else {
                    ReadAhead pending = slot.pending;
                    slot.pending = null;
                    pending.run(); // not yet taken: ends at once, on the closed channel
                    pending.result.whenComplete((n, e) -> buffers.giveBack(buffer));
                }
            }
        }
    }

    private void requireOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    /** Chunks read ahead so far (a test's proof that a sequential reader was read ahead for). */
    synchronized long readAheadsStarted() {
        return aheadStarted;
    }

    /** Chunks served from a read-ahead so far. */
    synchronized long readAheadsUsed() {
        return aheadUsed;
    }

    /** Chunks read from the file so far, by the reader or ahead of it. */
    long chunkReads() {
        return chunkReads.get();
    }

    /** Reads served through the page cache because no chunk buffer was to be had. */
    synchronized long bufferedReads() {
        return bufferedReads;
    }

    /** Chunk buffers this channel holds (at most two). */
    synchronized int buffersHeld() {
        return (slots[0].buffer == null ? 0 : 1) + (slots[1].buffer == null ? 0 : 1);
    }

    private static Executor readAheadPool() {
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "object-read-ahead");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
