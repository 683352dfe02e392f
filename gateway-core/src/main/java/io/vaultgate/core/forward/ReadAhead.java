package io.vaultgate.core.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Reads a body ahead of the socket on another thread, so that decrypting the next chunks (AES-GCM of the
 * stored envelope) overlaps with encrypting and sending the current one (AES-GCM of TLS): the two passes
 * over every byte run on two cores instead of one. At most {@link #DEPTH} chunks wait, so memory per
 * transfer stays at {@code DEPTH + 1} chunks of 64 KiB whatever the file size; the reader stops when they
 * are full and goes on as the sender frees them.
 */
final class ReadAhead implements AutoCloseable {

    static final int DEPTH = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final BodySource body;
    private final ChunkPool pool;
    private final java.util.List<ByteBuffer> owned = new java.util.ArrayList<>();
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH + 1);
    private final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(DEPTH + 2);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile IOException failure;

    private ReadAhead(BodySource body, ChunkPool pool) {
        this.body = body;
        this.pool = pool;
        int chunk = pool.chunk();
        long size = body.size();
        long chunks = Math.max(1, (size + chunk - 1) / chunk);
        int capacity = (int) Math.max(1, Math.min(chunk, size));
        for (int i = 0; i < Math.min(DEPTH + 1, chunks); i++) { // no more, nor larger, than the body needs
            ByteBuffer buffer = pool.take(capacity);
            owned.add(buffer);
            free.add(buffer);
        }
    }

    /** Starts reading {@code body} on {@code executor} (which may refuse: then the caller reads itself). */
    static ReadAhead start(BodySource body, int chunk, Executor executor) {
        return start(body, new ChunkPool(chunk, 0), executor);
    }

    /**
     * Like {@link #start(BodySource, int, Executor)}, with chunks of {@code pool.chunk()} bytes taken from
     * {@code pool} and given back to it when this read-ahead is closed.
     */
    static ReadAhead start(BodySource body, ChunkPool pool, Executor executor) {
        ReadAhead ahead = new ReadAhead(body, pool);
        try {
            executor.execute(ahead::read);
        } catch (RuntimeException refused) {
            ahead.owned.forEach(pool::give); // never used
            throw refused;
        }
        return ahead;
    }

    /** The next chunk, flipped for reading; {@code null} at the end. Give it back with {@link #recycle}. */
    ByteBuffer next() throws IOException {
        ByteBuffer chunk;
        try {
            chunk = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the file ahead");
        }
        if (chunk == END) {
            if (failure != null) {
                throw failure;
            }
            return null;
        }
        return chunk;
    }

    void recycle(ByteBuffer chunk) {
        free.offer(chunk.clear());
    }

    private void read() {
        long size = body.size();
        long position = 0;
        try {
            while (position < size && !cancelled) {
                ByteBuffer chunk = free.poll(1, TimeUnit.SECONDS);
                if (chunk == null || cancelled) {
                    continue;
                }
                chunk.limit((int) Math.min(chunk.capacity(), size - position));
                while (chunk.hasRemaining()) {
                    if (body.read(position + chunk.position(), chunk) < 0) {
                        throw new EOFException("the body ended at " + (position + chunk.position()) + " of " + size);
                    }
                }
                position += chunk.position();
                filled.put(chunk.flip());
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("interrupted while reading the file ahead");
        } catch (RuntimeException e) {
            failure = new IOException("reading the file ahead failed: " + e, e);
        } finally {
            filled.offer(END);
            stopped.countDown();
        }
    }

    /**
     * Stops the reader and waits for it, so that the body can be closed safely afterwards; then its chunks go
     * back to the pool (the caller holds none of them any more).
     */
    @Override
    public void close() {
        cancelled = true;
        filled.clear();
        free.offer(ByteBuffer.allocate(0)); // wakes a reader waiting for a free chunk
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the read-ahead of a forward did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the reader may still be running: its chunks are not reused
        }
        owned.forEach(pool::give);
        owned.clear();
    }
}
