package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The positional writes a {@link WritebackChannel} puts behind, with appends gathered into block-aligned
 * {@link DirectIo direct} writes through a second descriptor of the file. An append that does not fill the staged
 * {@value #CHUNK}-byte run waits here for the next; anything else (a rewrite, a gap), and every {@link #settle},
 * first writes out what is staged: its whole blocks directly, the partial block at its end through the ordinary
 * descriptor, so the file then holds every byte written, exactly, for a flush, a read, a truncation or a close.
 * The next append starting inside a block reads that block's head back (the kernel keeps the two descriptors
 * coherent: a direct write flushes and drops the cached pages it covers). Used by one thread at a time.
 */
final class DirectAppends implements AutoCloseable {

    /** Bytes gathered for one direct write. */
    static final int CHUNK = 512 * 1024;

    private final FileChannel file;
    private final FileChannel direct;
    private final int block;
    private final ChunkBuffers pool; // where staged goes back at close; null for a buffer of its own
    private final ByteBuffer staged;
    /** File position of the first staged byte, a multiple of {@code block}; -1 with nothing staged. */
    private long base = -1;
    private long writtenDirectly;

    DirectAppends(FileChannel file, FileChannel direct, int block) {
        this(file, direct, block, null, DirectIo.aligned(CHUNK, block));
    }

    private DirectAppends(FileChannel file, FileChannel direct, int block, ChunkBuffers pool, ByteBuffer staged) {
        this.file = file;
        this.direct = direct;
        this.block = block;
        this.pool = pool;
        this.staged = staged;
    }

    /**
     * Appends to {@code file}, whose path is {@code path}, through a direct descriptor of it opened here, staging in
     * a buffer of the process's {@link ChunkBuffers#staging} pool; null when every one of those is out (the caller
     * writes through the page cache instead), so large uploads cannot take the process's direct memory.
     */
    static DirectAppends open(FileChannel file, Path path, int block) throws IOException {
        ChunkBuffers pool = ChunkBuffers.staging(block);
        ByteBuffer staged = pool.take();
        if (staged == null) {
            return null;
        }
        try {
            return new DirectAppends(file, DirectIo.open(path, StandardOpenOption.WRITE), block, pool, staged);
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
                writeDirect(CHUNK);
                base += CHUNK;
                staged.clear();
            }
        }
    }

    /** Writes out everything staged: the file then holds every byte {@link #write} took. */
    void settle() throws IOException {
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

    private void writeDirect(int length) throws IOException {
        ByteBuffer run = staged.duplicate().limit(length).position(0);
        for (long at = base; run.hasRemaining(); ) {
            at += direct.write(run, at);
        }
        writtenDirectly += length;
    }

    /** Closes the direct descriptor; what is still staged is dropped (settle first to keep it). */
    @Override
    public void close() throws IOException {
        try {
            direct.close();
        } finally {
            if (pool != null) {
                pool.giveBack(staged);
            }
        }
    }

    /** Bytes that went to the file by direct writes. */
    long writtenDirectly() {
        return writtenDirectly;
    }
}
