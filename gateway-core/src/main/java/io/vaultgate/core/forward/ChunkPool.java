package io.vaultgate.core.forward;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The read-ahead's chunk buffers, reused from file to file instead of allocated (and zeroed) for every file:
 * five 64 KiB buffers per forward were 6–8 % of the forwarding threads' CPU with 1 MiB files. At most
 * {@code max} idle buffers are kept; a buffer is only ever read up to what was written into it for the current
 * file, so an old file's bytes in a reused buffer are overwritten before anything is sent.
 */
final class ChunkPool {

    private final int chunk;
    private final int max;
    private final Deque<ByteBuffer> idle = new ArrayDeque<>();

    /** @param max idle buffers kept (0: none, every buffer is allocated) */
    ChunkPool(int chunk, int max) {
        this.chunk = chunk;
        this.max = max;
    }

    int chunk() {
        return chunk;
    }

    /** A cleared buffer of {@code capacity} bytes: a kept one when it is a whole chunk, else a new one. */
    ByteBuffer take(int capacity) {
        if (capacity == chunk) {
            synchronized (this) {
                ByteBuffer kept = idle.pollFirst();
                if (kept != null) {
                    return kept.clear();
                }
            }
        }
        return ByteBuffer.allocate(capacity);
    }

    /** Keeps a buffer nobody uses any more for the next file (whole chunks only, up to the limit). */
    void give(ByteBuffer buffer) {
        if (buffer.capacity() == chunk) {
            synchronized (this) {
                if (idle.size() < max) {
                    idle.addFirst(buffer);
                }
            }
        }
    }

    synchronized int idle() {
        return idle.size();
    }
}
