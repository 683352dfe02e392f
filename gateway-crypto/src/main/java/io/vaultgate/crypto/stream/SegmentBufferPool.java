package io.vaultgate.crypto.stream;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Segment-sized plaintext buffers of one out-of-order writer, zeroed when given back and reused, so
 * the writer's memory stays flat however long the upload. It keeps at most {@link #MAX_FREE} free
 * buffers: the early bytes of a whole reorder window, once sealed, must not stay held by a writer
 * that no longer needs them (they are counted in the process's {@link ReorderMemory} only while
 * they hold data). Not thread-safe.
 */
final class SegmentBufferPool {
  /** Free buffers kept for reuse: the head segment, a sealed segment and a little reordering. */
  static final int MAX_FREE = 4;

  private final int segmentSize;
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();

  SegmentBufferPool(int segmentSize) {
    this.segmentSize = segmentSize;
  }

  int segmentSize() {
    return segmentSize;
  }

  /** A zeroed segment-sized buffer, recycled when possible; give it back with {@link #recycle}. */
  byte[] buffer() {
    byte[] b = free.poll();
    return b != null ? b : new byte[segmentSize];
  }

  /** Zeroes {@code b} and keeps it for the next {@link #buffer()}, unless enough are kept. */
  void recycle(byte[] b) {
    Arrays.fill(b, (byte) 0);
    if (free.size() < MAX_FREE) {
      free.push(b);
    }
  }

  /** Free buffers kept now. */
  int free() {
    return free.size();
  }

  /** Drops the free buffers (they are already zeroed). */
  void clear() {
    free.clear();
  }
}
