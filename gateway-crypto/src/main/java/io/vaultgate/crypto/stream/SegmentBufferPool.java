package io.vaultgate.crypto.stream;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Segment-sized plaintext buffers of one out-of-order writer, zeroed when given back and reused, so
 * the writer's memory stays flat however long the upload. Not thread-safe.
 */
final class SegmentBufferPool {
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

  /** Zeroes {@code b} and keeps it for the next {@link #buffer()}. */
  void recycle(byte[] b) {
    Arrays.fill(b, (byte) 0);
    free.push(b);
  }

  /** Drops the free buffers (they are already zeroed). */
  void clear() {
    free.clear();
  }
}
