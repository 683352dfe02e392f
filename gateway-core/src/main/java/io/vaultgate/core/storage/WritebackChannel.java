package io.vaultgate.core.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The channel of a pending object on disk, which starts flushing what was written to stable storage in the
 * background each time {@code every} more bytes have been written. The data is not flushed any earlier than it
 * must be for the commit; the commit's own flush ({@link #forceData}) just has little left to write, instead of
 * every byte of a large upload, which the kernel keeps in its page cache until then. A background flush that
 * fails fails the next {@link #forceData}: after a failed flush, a later one may report success for pages the
 * kernel has already dropped, so the error is never swallowed: the first failed flush (background or the caller's
 * own) is kept and fails every later {@link #forceData} and {@link #forceAll} ({@link ObjectFlushFailed}), also when
 * later background flushes succeeded. Written by one thread at a time (the writer's).
 *
 * <p><b>Writes behind.</b> The first {@code syncBytes} of an object are written by the caller, as they come (a
 * small file is written exactly as before). Past them, {@link #write} copies the bytes into one of at most
 * {@code depth} buffers of this channel and returns; a thread of {@code writer} copies them into the file (the
 * kernel's copy into its page cache is as costly as the hashing or the encryption of the same bytes, so an
 * upload's encrypting thread no longer waits for it). The buffers are written in order, each at its position;
 * with all of them queued, {@link #write} waits for one. Nothing reads, sizes, truncates, flushes or closes the
 * file before every queued buffer is in it: those calls wait, so {@link #forceData} still flushes every byte
 * written, and a failed write fails the next {@link #write} and every flush, like a failed background flush.
 *
 * <p><b>Written directly.</b> With {@link DirectWrites}, writes behind go to {@link DirectAppends} instead, on the
 * caller's thread: it copies the bytes into a staging run and a thread of {@code writer} writes each full run with
 * {@code O_DIRECT} while the caller fills the next, so each byte is copied once in the process instead of twice
 * (into a queued buffer, then into the run) and the writer is handed a run every 512 KiB instead of a buffer every
 * write. With every staging buffer of the process out, the writes behind are queued as above. A run whose direct
 * write failed fails the calls that wait for the writes ({@link #forceData}, {@link #forceAll}, a read, the size, a
 * truncation), every time, as a failed queued write does; so a failed upload is never flushed as
 * complete, and never committed.
 */
final class WritebackChannel implements SeekableByteChannel {

    /** Bytes the caller writes itself before writes go behind: objects up to this size never hand off. */
    static final long SYNC_BYTES = 1L << 20;
    /** Buffers one channel may have queued for its writer (about 512 KiB of direct memory per large upload). */
    static final int DEPTH = 8;
    /** Buffers one channel's writer turn writes before it lets another channel's turn run on its thread. */
    private static final int TURN = 8;
    private static final Executor WRITERS = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), runnable -> {
                Thread thread = new Thread(runnable, "object-writer");
                thread.setDaemon(true);
                return thread;
            });

    /** Flushes a file's data; the store's is {@code channel.force(false)} ({@code fdatasync}). */
    @FunctionalInterface
    interface Flush {
        void run(FileChannel channel) throws IOException;
    }

    /** Writes some of {@code src} at {@code position}; the store's is {@link FileChannel#write(ByteBuffer, long)}. */
    @FunctionalInterface
    interface PositionalWrite {
        int write(FileChannel channel, ByteBuffer src, long position) throws IOException;
    }

    /** Where and how writes go behind: past {@code syncBytes}, up to {@code depth} buffers, on {@code writer}. */
    record Behind(long syncBytes, int depth, Executor writer, PositionalWrite write) {
        static final Behind DEFAULT = new Behind(SYNC_BYTES, DEPTH, WRITERS, FileChannel::write);
    }

    private record Queued(ByteBuffer bytes, long position) {
    }

    private final FileChannel file;
    private final DirectWrites direct;
    private DirectAppends appends; // the caller's, from its first write behind, when they are direct
    private boolean directRefused;
    private final long every;
    private final Executor flusher;
    private final Flush flush;
    private final Behind behind;
    private long position;
    private long syncWritten;
    private long unflushed;
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
    private volatile ObjectFlushFailed flushFailed; // the first failed flush: sticky, no flush can undo it

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int buffers;
    private boolean writing;
    private IOException failed;

    /**
     * The file's path and block size for {@link DirectIo direct I/O}: writes behind then go through
     * {@link DirectAppends}, on a second descriptor opened at the first of them (a small object never has one).
     */
    record DirectWrites(Path path, int block) {
    }

    WritebackChannel(FileChannel file, long every, Executor flusher, Flush flush) {
        this(file, null, every, flusher, flush, Behind.DEFAULT);
    }

    WritebackChannel(FileChannel file, long every, Executor flusher, Flush flush, Behind behind) {
        this(file, null, every, flusher, flush, behind);
    }

    /** With writes behind going {@code direct} where it is not null. */
    WritebackChannel(FileChannel file, DirectWrites direct, long every, Executor flusher, Flush flush,
                     Behind behind) {
        this.file = file;
        this.direct = direct;
        this.every = every;
        this.flusher = flusher;
        this.flush = flush;
        this.behind = behind;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        requireOpen(); // a direct write stages into a pooled buffer, another upload's once this one is closed
        int length = src.remaining();
        if (syncWritten < behind.syncBytes()) {
            int written = behind.write().write(file, src, position);
            syncWritten += written;
            advance(written);
            return written;
        }
        if (direct != null && !directRefused) {
            if (appends == null) {
                appends = DirectAppends.open(file, direct.path(), direct.block(), behind.writer());
                directRefused = appends == null; // every staging buffer out: through the page cache
            }
            if (appends != null) {
                appends.write(src, position);
                advance(length);
                return length;
            }
        }
        ByteBuffer copy = takeBuffer(length);
        copy.put(src).flip();
        lock.lock();
        try {
            queue.add(new Queued(copy, position));
            if (!writing) {
                writing = true;
                behind.writer().execute(this::writeTurn);
            }
        } finally {
            lock.unlock();
        }
        advance(length);
        return length;
    }

    /**
     * Moves the position past {@code written} bytes and starts a background flush every {@code every} bytes (none
     * after a flush failed: the object can no longer be made durable, and the failure is kept for the next force).
     */
    private void advance(int written) {
        position += written;
        unflushed += written;
        if (unflushed >= every && running.isDone() && flushFailed == null) {
            unflushed = 0;
            running = CompletableFuture.runAsync(() -> {
                try {
                    flush.run(file); // what has reached the file so far: queued buffers go with a later flush
                } catch (IOException | RuntimeException e) {
                    failedFlush("a background flush", e);
                    throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                }
            }, flusher);
        }
    }

    /** Keeps the first failed flush; returns what the forces throw from now on. */
    private synchronized ObjectFlushFailed failedFlush(String flush, Throwable cause) {
        if (flushFailed == null) {
            flushFailed = new ObjectFlushFailed(flush, cause);
        }
        return flushFailed;
    }

    /** A free buffer of at least {@code length} bytes: waits while all {@code depth} are queued; fails if a write did. */
    private ByteBuffer takeBuffer(int length) throws IOException {
        lock.lock();
        try {
            while (failed == null && free.isEmpty() && buffers >= behind.depth()) {
                awaitChange();
            }
            if (failed != null) {
                throw new IOException("an earlier write of the object failed: " + failed.getMessage(), failed);
            }
            ByteBuffer buffer = free.poll();
            if (buffer == null || buffer.capacity() < length) {
                if (buffer == null) {
                    buffers++;
                }
                buffer = ByteBuffer.allocateDirect(Math.max(length, 64 * 1024 + 64));
            }
            return buffer.clear();
        } finally {
            lock.unlock();
        }
    }

    /** On a writer thread: writes up to {@link #TURN} queued buffers, then hands the thread on if more are queued. */
    private void writeTurn() {
        for (int n = 0; n < TURN; n++) {
            Queued next;
            lock.lock();
            try {
                next = queue.peek();
                if (next == null || failed != null) {
                    writing = false;
                    changed.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            IOException error = null;
            try {
                writeBehind(next.bytes(), next.position());
            } catch (IOException e) {
                error = e;
            } catch (RuntimeException | Error e) { // a closed channel; no direct memory left (review24a M1)
                error = new IOException(e.toString(), e);
            }
            lock.lock();
            try {
                queue.poll();
                free.add(next.bytes());
                if (error != null) {
                    failed = error;
                    queue.clear();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        behind.writer().execute(this::writeTurn); // still writing: let other channels' turns run in between
    }

    /** On a writer thread: one queued buffer into the file. */
    private void writeBehind(ByteBuffer bytes, long position) throws IOException {
        for (long at = position; bytes.hasRemaining(); ) {
            at += behind.write().write(file, bytes, at);
        }
    }

    /**
     * Waits until every queued buffer is in the file, and writes out what the direct appends still stage; fails if
     * a write failed.
     */
    private void awaitWritten() throws IOException {
        lock.lock();
        try {
            while (writing && failed == null) {
                awaitChange();
            }
            if (failed == null && appends != null) {
                try {
                    appends.settle(); // the appends are the caller's: it waits for their run being written
                } catch (IOException | RuntimeException e) {
                    failed = e instanceof IOException io ? io : new IOException(e.toString(), e);
                }
            }
            if (failed != null) {
                throw new IOException("a write of the object failed: " + failed.getMessage(), failed);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the object's writes");
        }
    }

    /** Waits for the queued writes and a background flush, fails if either failed, then flushes the data and size. */
    void forceData() throws IOException {
        force("a data flush", () -> flush.run(file));
    }

    /** As {@link #forceData}, with the file's metadata too ({@code fsync}), for a partial kept to be resumed. */
    void forceAll() throws IOException {
        force("a flush", () -> file.force(true));
    }

    /**
     * Waits for the queued writes and the background flush, then flushes; fails with {@link ObjectFlushFailed} if any
     * flush of this object failed before (in the background or in an earlier force) or this one does.
     */
    private void force(String what, IoAction flushNow) throws IOException {
        awaitWritten();
        awaitBackgroundFlush();
        ObjectFlushFailed failed = flushFailed;
        if (failed != null) {
            throw failed.again();
        }
        try {
            flushNow.run();
        } catch (IOException | RuntimeException e) {
            if (e instanceof InterruptedIOException || e instanceof ClosedChannelException) {
                throw e; // not a failed writeback: nothing was reported lost (a later force is refused anyway)
            }
            throw failedFlush(what, e).again();
        }
        unflushed = 0;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** Waits for the background flush, if one runs; its failure is kept in {@link #flushFailed}. */
    private void awaitBackgroundFlush() throws IOException {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a background flush");
        } catch (ExecutionException e) {
            failedFlush("a background flush", e.getCause() instanceof UncheckedIOException unchecked
                    ? unchecked.getCause() : e.getCause()); // kept already; this covers an Error of the flusher
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        awaitWritten();
        int n = file.read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        awaitWritten();
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        awaitWritten();
        file.truncate(size);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    private void requireOpen() throws ClosedChannelException {
        if (!file.isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Closes the file once the queued writes and a background flush have ended (their failures no longer matter:
     * nothing is committed).
     */
    @Override
    public void close() throws IOException {
        try {
            awaitWritten();
        } catch (IOException ignored) {
            // a failed write: the object is discarded or kept as it is on disk
        }
        try {
            running.handle((ok, error) -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException cannotHappen) {
            // handled above
        } finally {
            try {
                file.close();
            } finally {
                if (appends != null) {
                    appends.close();
                }
            }
        }
    }
}
