package io.vaultgate.core.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The channel of a pending object on disk, which starts flushing what was written to stable storage in the
 * background each time {@code every} more bytes have been written. The data is not flushed any earlier than it
 * must be for the commit; the commit's own flush ({@link #forceData}) just has little left to write, instead of
 * every byte of a large upload, which the kernel keeps in its page cache until then. A background flush that
 * fails fails the next {@link #forceData}: after a failed flush, a later one may report success for pages the
 * kernel has already dropped, so the error is never swallowed. Written by one thread at a time (the writer's).
 */
final class WritebackChannel implements SeekableByteChannel {

    /** Flushes a file's data; the store's is {@code channel.force(false)} ({@code fdatasync}). */
    @FunctionalInterface
    interface Flush {
        void run(FileChannel channel) throws IOException;
    }

    private final FileChannel file;
    private final long every;
    private final Executor flusher;
    private final Flush flush;
    private long unflushed;
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

    WritebackChannel(FileChannel file, long every, Executor flusher, Flush flush) {
        this.file = file;
        this.every = every;
        this.flusher = flusher;
        this.flush = flush;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int written = file.write(src);
        unflushed += written;
        if (unflushed >= every && running.isDone()) {
            unflushed = 0;
            running = CompletableFuture.runAsync(() -> {
                try {
                    flush.run(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, flusher);
        }
        return written;
    }

    /** Waits for a background flush, fails if it failed, then flushes the rest of the data and the file size. */
    void forceData() throws IOException {
        awaitBackgroundFlush();
        flush.run(file);
        unflushed = 0;
    }

    /** As {@link #forceData}, with the file's metadata too ({@code fsync}), for a partial kept to be resumed. */
    void forceAll() throws IOException {
        awaitBackgroundFlush();
        file.force(true);
        unflushed = 0;
    }

    private void awaitBackgroundFlush() throws IOException {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a background flush");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause()
                    : e.getCause();
            throw new IOException("a background flush of the object failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /** Closes the file once a background flush has ended (its failure no longer matters: nothing is committed). */
    @Override
    public void close() throws IOException {
        try {
            running.handle((ok, failed) -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException cannotHappen) {
            // handled above
        } finally {
            file.close();
        }
    }
}
