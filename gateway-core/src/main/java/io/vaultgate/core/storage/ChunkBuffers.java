package io.vaultgate.core.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunk buffers of {@link DirectReadChannel}s: direct buffers of one size, aligned to the file store's block,
 * reused (up to {@code idleMax} kept idle), and at most {@code max} of them at once. A channel asks for one when it
 * first reads and for a second when it first reads ahead; when all are out it gets none and reads through the page
 * cache instead (the first) or does not read ahead (the second). So open downloads cannot take the process's direct
 * memory, however many handles the SFTP limits allow (10 channels of 64 handles on one connection would be 1.25 GiB at
 * two buffers each; the JVM's direct memory is as large as its heap unless configured, 1 GiB by default here).
 */
final class ChunkBuffers {

    /** The share of the heap size the shared buffers may take (as the JVM's direct limit defaults to the heap's). */
    static final int HEAP_SHARE = 16;
    private static final Map<Integer, ChunkBuffers> SHARED = new ConcurrentHashMap<>();
    private static final Map<Integer, ChunkBuffers> STAGING = new ConcurrentHashMap<>();

    private final int block;
    private final int size;
    private final int max;
    private final int idleMax;
    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    private int existing; // handed out or idle

    ChunkBuffers(int block, int size, int max, int idleMax) {
        if (Integer.bitCount(block) != 1 || size < block || size % block != 0 || max < 1 || idleMax < 0) {
            throw new IllegalArgumentException("buffers of " + size + " bytes aligned to " + block + ", " + max
                    + " at most, " + idleMax + " idle");
        }
        this.block = block;
        this.size = size;
        this.max = max;
        this.idleMax = idleMax;
    }

    /**
     * The process's buffers of {@link DirectReadChannel#CHUNK} bytes aligned to {@code block}: at most a
     * {@value #HEAP_SHARE}th of the maximum heap (64 at a 1 GiB heap, at least 8), 16 kept idle.
     */
    static ChunkBuffers shared(int block) {
        return SHARED.computeIfAbsent(block, b -> new ChunkBuffers(b, DirectReadChannel.CHUNK,
                (int) Math.max(8, Runtime.getRuntime().maxMemory() / HEAP_SHARE / DirectReadChannel.CHUNK), 16));
    }

    /**
     * The process's staging buffers of {@link DirectAppends#CHUNK} bytes aligned to {@code block}, one per large
     * upload being written directly: as many bytes at most as {@link #shared} (a 256 MiB heap: 32), 8 kept idle.
     */
    static ChunkBuffers staging(int block) {
        return STAGING.computeIfAbsent(block, b -> new ChunkBuffers(b, DirectAppends.CHUNK,
                (int) Math.max(8, Runtime.getRuntime().maxMemory() / HEAP_SHARE / DirectAppends.CHUNK), 8));
    }

    int block() {
        return block;
    }

    int size() {
        return size;
    }

    /** A buffer of {@link #size} bytes at an aligned address (position 0, limit its size), or null if all are out. */
    ByteBuffer take() {
        synchronized (this) {
            ByteBuffer buffer = idle.poll();
            if (buffer != null) {
                return buffer;
            }
            if (existing >= max) {
                return null;
            }
            existing++;
        }
        try {
            return ByteBuffer.allocateDirect(size + block).alignedSlice(block).limit(size).slice();
        } catch (OutOfMemoryError e) {
            synchronized (this) {
                existing--;
            }
            return null; // the JVM's direct memory is spent elsewhere: read through the page cache
        }
    }

    /** Returns a buffer {@link #take} gave; no one may use it after. */
    synchronized void giveBack(ByteBuffer buffer) {
        if (idle.size() < idleMax) {
            idle.push(buffer.clear());
        } else {
            existing--; // left to the collector
        }
    }

    synchronized int idle() {
        return idle.size();
    }

    /** Buffers handed out and not given back. */
    synchronized int inUse() {
        return existing - idle.size();
    }
}
