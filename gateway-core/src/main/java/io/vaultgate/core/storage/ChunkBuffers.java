package io.vaultgate.core.storage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk buffers of {@link DirectReadChannel}s: direct buffers of one size, aligned to the file store's block,
 * reused (up to {@code idleMax} kept idle), and at most {@code max} of them at once. A channel asks for one when it
 * first reads and for a second when it first reads ahead; when all are out it gets none and reads through the page
 * cache instead (the first) or does not read ahead (the second). So open downloads cannot take the process's direct
 * memory, however many handles the SFTP limits allow (10 channels of 64 handles on one connection would be 1.25 GiB at
 * two buffers each; the JVM's direct memory is as large as its heap unless configured, 1 GiB by default here).
 *
 * <p>Where the JVM's direct memory is spent elsewhere, an allocation fails ({@link OutOfMemoryError}) only after the
 * JVM has run a full GC and waited for buffers to be freed. So after one fails, none is tried for
 * {@link #ALLOCATION_BACKOFF} (review24a L2): meanwhile {@link #take} hands out idle buffers only, and otherwise none,
 * as when all are out, instead of making every transfer pay for a GC that frees nothing.
 */
final class ChunkBuffers {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkBuffers.class);

    /** How long no buffer is allocated after an allocation failed for want of direct memory. */
    static final Duration ALLOCATION_BACKOFF = Duration.ofSeconds(30);

    /** The share of the heap size the shared buffers may take (as the JVM's direct limit defaults to the heap's). */
    static final int HEAP_SHARE = 16;
    private static final Map<Integer, ChunkBuffers> SHARED = new ConcurrentHashMap<>();
    private static final Map<Integer, ChunkBuffers> STAGING = new ConcurrentHashMap<>();

    private final int block;
    private final int size;
    private final int max;
    private final int idleMax;
    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    private final IntFunction<ByteBuffer> allocate;
    private final LongSupplier nanos;
    private int existing; // handed out or idle
    /** When the last allocation failed ({@link #nanos}), if one has; none is tried for the back-off after it. */
    private long failedAt;
    private boolean failed;

    ChunkBuffers(int block, int size, int max, int idleMax) {
        this(block, size, max, idleMax, ByteBuffer::allocateDirect, System::nanoTime);
    }

    /**
     * @param allocate allocates a direct buffer of the given capacity (tests stand in one that fails)
     * @param nanos    the time of {@link #ALLOCATION_BACKOFF}, in nanoseconds ({@link System#nanoTime} but in tests)
     */
    ChunkBuffers(int block, int size, int max, int idleMax, IntFunction<ByteBuffer> allocate, LongSupplier nanos) {
        if (Integer.bitCount(block) != 1 || size < block || size % block != 0 || max < 1 || idleMax < 0) {
            throw new IllegalArgumentException("buffers of " + size + " bytes aligned to " + block + ", " + max
                    + " at most, " + idleMax + " idle");
        }
        this.block = block;
        this.size = size;
        this.max = max;
        this.idleMax = idleMax;
        this.allocate = allocate;
        this.nanos = nanos;
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
     * The process's staging buffers of {@link DirectAppends#CHUNK} bytes aligned to {@code block}, one or two per
     * large upload being written directly (the second while the first's run is written): as many bytes at most as
     * {@link #shared} (a 256 MiB heap: 32), 8 kept idle.
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

    /**
     * A buffer of {@link #size} bytes at an aligned address (position 0, limit its size), or null if all are out or,
     * within {@link #ALLOCATION_BACKOFF} of a failed allocation, none is idle.
     */
    ByteBuffer take() {
        synchronized (this) {
            ByteBuffer buffer = idle.poll();
            if (buffer != null) {
                return buffer;
            }
            if (existing >= max || backingOff()) {
                return null;
            }
            existing++;
        }
        try {
            return allocate.apply(size + block).alignedSlice(block).limit(size).slice();
        } catch (OutOfMemoryError e) {
            synchronized (this) {
                existing--;
                failed = true;
                failedAt = nanos.getAsLong();
            }
            LOG.warn("no direct memory for a {} KiB buffer ({}); for {} s none is allocated and transfers that "
                    + "would use one go through the page cache (raise -XX:MaxDirectMemorySize if this recurs)",
                    size / 1024, e.getMessage(), ALLOCATION_BACKOFF.toSeconds());
            return null; // the JVM's direct memory is spent elsewhere: through the page cache
        }
    }

    /** Whether an allocation failed less than {@link #ALLOCATION_BACKOFF} ago. */
    private boolean backingOff() {
        if (failed && nanos.getAsLong() - failedAt < ALLOCATION_BACKOFF.toNanos()) {
            return true;
        }
        failed = false;
        return false;
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
