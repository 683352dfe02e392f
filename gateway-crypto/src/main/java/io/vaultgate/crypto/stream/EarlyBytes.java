package io.vaultgate.crypto.stream;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Plaintext that arrived ahead of the contiguous prefix, kept per segment until the gap before it
 * fills; segment buffers come from, and go back to, the writer's pool. Part of {@link
 * OutOfOrderEnvelopeWriter}; not thread-safe.
 */
final class EarlyBytes {
  private final int segmentSize;
  private final SegmentBufferPool buffers;
  private final TreeMap<Long, PendingSegment> segments = new TreeMap<>();

  EarlyBytes(SegmentBufferPool buffers) {
    this.segmentSize = buffers.segmentSize();
    this.buffers = buffers;
  }

  /** Copies {@code src} (all of it) to plaintext offset {@code offset}; later writes win. */
  void keep(long offset, ByteBuffer src) {
    long position = offset;
    while (src.hasRemaining()) {
      long index = position / segmentSize;
      int start = (int) (position - index * segmentSize);
      int n = Math.min(src.remaining(), segmentSize - start);
      PendingSegment p = segments.computeIfAbsent(index, i -> new PendingSegment(buffers.buffer()));
      src.get(p.data, start, n);
      p.add(start, start + n);
      position += n;
    }
  }

  /** The kept bytes that start exactly at {@code position} (up to a gap or segment end), or null. */
  ByteBuffer runAt(long position) {
    long index = position / segmentSize;
    PendingSegment p = segments.get(index);
    int from = (int) (position - index * segmentSize);
    int to = p == null ? from : p.runEnd(from);
    return to == from ? null : ByteBuffer.wrap(p.data, from, to - from);
  }

  /** Forgets segment {@code index} (it has been sealed) and recycles its buffer. */
  void sealed(long index) {
    PendingSegment p = segments.remove(index);
    if (p != null) {
      buffers.recycle(p.data);
    }
  }

  /** Zeroes and drops everything kept (the buffers are not returned to the pool). */
  void clear() {
    for (PendingSegment p : segments.values()) {
      Arrays.fill(p.data, (byte) 0);
    }
    segments.clear();
  }
}
