package io.vaultgate.core.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The positional writes a {@link WritebackChannel} puts behind, with appends gathered into block-aligned
 * {@link DirectIo direct} writes through a second descriptor of the file. An append that does not fill the staged
 * {@value #CHUNK}-byte run waits here for the next; anything else (a rewrite, a gap), and every {@link #settle},
 * first writes out what is staged: its whole blocks directly, the partial block at its end through the ordinary
 * descriptor, so the file then holds every byte written, exactly, for a flush, a read, a truncation or a close.
 * The next append starting inside a block reads that block's head back (the kernel keeps the two descriptors
 * coherent: a direct write flushes and drops the cached pages it covers). Used by one thread at a time.
 *
 * <p><b>Two runs.</b> Opened with a {@code writer}, a full run is written on it while the caller stages the next
 * one in a second buffer: the caller copies each byte once (into a staging buffer) and the writer only hands whole
 * runs to the kernel, which moves them to the disk without touching them. A caller that fills the second run while
 * the first is still being written waits for it. A run whose write on the writer failed fails the first later call
 * that waits for that run: the {@link #write} that fills the next run, one that does not continue where staging
 * stopped (a rewrite, a gap), or a {@link #settle}; and every call after it. A write in between only stages, and
 * returns (review25b L2).
 */
final class DirectAppends implements AutoCloseable {

    /** Bytes gathered for one direct write. */
    static final int CHUNK = 512 * 1024;

    private final FileChannel file;
    private final FileChannel direct;
    private final int block;
    private final ChunkBuffers pool; // where the staging buffers come from and go back at close; null: its own
    private final Executor writer; // where a full run is written while the next is staged; null: by the caller
    private ByteBuffer staged;
    /** The other staging buffer: null until a run is first written on the writer, then the one not staged into. */
    private ByteBuffer spare;
    /** No other staging buffer was to be had: every run is written by the caller (asked for once per object). */
    private boolean noSpare;
    /** The run being written on the writer, if one is; its failure fails the next call that waits for it. */
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    /** File position of the first staged byte, a multiple of {@code block}; -1 with nothing staged. */
    private long base = -1;
    private long writtenDirectly;

    /** Writes each full run itself, on the caller's thread, from a staging buffer of its own. */
    DirectAppends(FileChannel file, FileChannel direct, int block) {
        this(file, direct, block, null, DirectIo.aligned(CHUNK, block), null);
    }

    /** Writes each full run on {@code writer} while the next is staged, from staging buffers of their own. */
    DirectAppends(FileChannel file, FileChannel direct, int block, Executor writer) {
        this(file, direct, block, null, DirectIo.aligned(CHUNK, block), writer);
    }

    private DirectAppends(FileChannel file, FileChannel direct, int block, ChunkBuffers pool, ByteBuffer staged,
                          Executor writer) {
        this.file = file;
        this.direct = direct;
        this.block = block;
        this.pool = pool;
        this.staged = staged;
        this.writer = writer;
    }

    /**
     * Appends to {@code file}, whose path is {@code path}, through a direct descriptor of it opened here, staging in
     * a buffer of the process's {@link ChunkBuffers#staging} pool; null when every one of those is out (the caller
     * writes through the page cache instead), so large uploads cannot take the process's direct memory. Full runs
     * are written on {@code writer}; the second staging buffer that needs is taken from the same pool at the first
     * of them (none left: the caller writes each run itself, as without a writer).
     */
    static DirectAppends open(FileChannel file, Path path, int block, Executor writer) throws IOException {
        return open(file, path, block, writer, ChunkBuffers.staging(block));
    }

    /** As above, staging in buffers of {@code pool}. */
    static DirectAppends open(FileChannel file, Path path, int block, Executor writer, ChunkBuffers pool)
            throws IOException {
        ByteBuffer staged = pool.take();
        if (staged == null) {
            return null;
        }
        try {
            return new DirectAppends(file, DirectIo.open(path, StandardOpenOption.WRITE), block, pool, staged, writer);
        } catch (IOException | RuntimeException | Error e) {
            pool.giveBack(staged);
            throw e;
        }
    }

    /** Writes all of {@code src} at {@code position}, or stages it to be written with what follows. */
    void write(ByteBuffer src, long position) throws IOException {
        if (!src.hasRemaining()) {
            return; // as a pwrite of nothing: the file does not grow
        }
        if (base >= 0 && position != base + staged.position()) {
            settle();
        }
        if (base < 0) {
            anchor(position);
        }
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), staged.remaining());
            staged.put(staged.position(), src, src.position(), n);
            staged.position(staged.position() + n);
            src.position(src.position() + n);
            if (!staged.hasRemaining()) {
                writeFullRun();
            }
        }
    }

    /** Writes out everything staged: the file then holds every byte {@link #write} took. */
    void settle() throws IOException {
        awaitInFlight();
        if (base < 0) {
            return;
        }
        int length = staged.position();
        int whole = length - length % block;
        if (whole > 0) {
            writeDirect(whole);
        }
        ByteBuffer tail = staged.duplicate().limit(length).position(whole);
        for (long at = base + whole; tail.hasRemaining(); ) {
            at += file.write(tail, at);
        }
        base = -1;
        staged.clear();
    }

    /** Starts staging at {@code position}: from the start of its block, whose head is read back from the file. */
    private void anchor(long position) throws IOException {
        awaitInFlight(); // its run may hold the head of the block read back here
        base = position - position % block;
        staged.clear().limit((int) (position - base));
        while (staged.hasRemaining()) {
            if (file.read(staged, base + staged.position()) < 0) {
                while (staged.hasRemaining()) {
                    staged.put((byte) 0); // past the end of the file: a gap reads as zeros, as after a pwrite
                }
            }
        }
        staged.limit(staged.capacity()).position((int) (position - base));
    }

    /**
     * Writes the full staged run at {@code base}: on the writer while the next run is staged in the other buffer,
     * once the run before it is written.
     */
    private void writeFullRun() throws IOException {
        awaitInFlight();
        if (writer != null && spare == null && !noSpare) {
            spare = secondRun();
            noSpare = spare == null;
        }
        if (spare == null) {
            writeDirect(CHUNK);
        } else {
            ByteBuffer run = staged;
            long at = base;
            inFlight = CompletableFuture.runAsync(() -> {
                try {
                    writeDirect(run, at, CHUNK);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, writer);
            staged = spare;
            spare = run;
            writtenDirectly += CHUNK;
        }
        base += CHUNK;
        staged.clear();
    }

    /**
     * The second staging buffer: from the pool (capped, and after a failed allocation none is tried for a while,
     * review25b M1), or one of its own; null where there is none (no direct memory: review24a M1).
     */
    private ByteBuffer secondRun() {
        if (pool != null) {
            return pool.take();
        }
        try {
            return DirectIo.aligned(CHUNK, block);
        } catch (OutOfMemoryError noDirectMemory) {
            return null;
        }
    }

    /** Waits for the run being written on the writer, if one is; fails if its write did. */
    private void awaitInFlight() throws IOException {
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a staged run was written");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause()
                    : e.getCause();
            inFlight = CompletableFuture.failedFuture(cause); // fails every later call too
            throw cause instanceof IOException io ? new IOException("a direct write failed: " + io.getMessage(), io)
                    : new IOException("a direct write failed: " + cause, cause);
        }
    }

    private void writeDirect(int length) throws IOException {
        writeDirect(staged, base, length);
        writtenDirectly += length;
    }

    private void writeDirect(ByteBuffer buffer, long position, int length) throws IOException {
        ByteBuffer run = buffer.duplicate().limit(length).position(0);
        for (long at = position; run.hasRemaining(); ) {
            at += direct.write(run, at);
        }
    }

    /**
     * Closes the direct descriptor; what is still staged is dropped (settle first to keep it). A second close does
     * nothing: the staging buffers went back to the pool once, and a buffer given back twice would be handed to two
     * uploads at once, each staging its ciphertext into the other's object (an upload's suspension closes its object
     * again when the catalog then fails).
     */
    @Override
    public void close() throws IOException {
        if (staged == null) {
            return;
        }
        try {
            inFlight.handle((ok, error) -> null).join(); // its failure no longer matters; its buffer must be free
            direct.close();
        } finally {
            if (pool != null) {
                pool.giveBack(staged);
                if (spare != null) {
                    pool.giveBack(spare);
                }
            }
            staged = null;
            spare = null;
        }
    }

    /** Bytes that went to the file by direct writes. */
    long writtenDirectly() {
        return writtenDirectly;
    }
}
