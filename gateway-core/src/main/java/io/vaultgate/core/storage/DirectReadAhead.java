package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chunk of a {@link DirectReadFile} read ahead into a buffer of its channel, by whichever comes first: a thread of
 * the read-ahead pool, or the reader that needs the chunk ({@link #await}), which so never waits behind other
 * channels' read-aheads queued on the pool. It runs once; a run after the first does nothing.
 */
final class DirectReadAhead implements Runnable {

    private final DirectReadFile file;
    private final long chunk;
    private final ByteBuffer buffer;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();

    DirectReadAhead(DirectReadFile file, long chunk, ByteBuffer buffer) {
        this.file = file;
        this.chunk = chunk;
        this.buffer = buffer;
    }

    /**
     * The shared daemon pool ({@code object-read-ahead}) of the process's read-aheads: as many threads as cores, at
     * least 4, that end after 30 s idle.
     */
    static Executor newPool() {
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

    @Override
    public void run() {
        if (!taken.compareAndSet(false, true)) {
            return;
        }
        try {
            result.complete(file.read(chunk, buffer));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * The bytes read: runs the read here if no pool thread has taken it yet, or waits for it to end; an interrupt
     * does not end the wait (the buffer is not the reader's again before the read ends) and is kept for the caller.
     * A failure is the read's own {@link IOException} (naming the file), or a {@link ClosedChannelException}.
     */
    int await() throws IOException {
        run(); // does nothing if a pool thread has it
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof ClosedChannelException closed) {
                        throw closed;
                    }
                    if (cause instanceof IOException named) { // DirectReadFile's, naming the file already
                        throw new IOException(named.getMessage(), named);
                    }
                    throw file.failure(chunk, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the read has ended, with bytes or a failure. */
    boolean isDone() {
        return result.isDone();
    }

    /** Whether the read ended with a failure. */
    boolean failed() {
        return result.isCompletedExceptionally();
    }

    /** The bytes a read that ended without failure read. */
    int length() {
        return result.join();
    }

    /** Runs {@code action} once the read has ended (at once if it has), whether it failed or not. */
    void whenDone(Runnable action) {
        result.whenComplete((n, e) -> action.run());
    }
}
