package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Plaintext that arrived ahead of the contiguous prefix, kept per segment until the gap before it
 * fills; segment buffers come from, and go back to, the writer's pool, and each segment kept holds
 * its size of the tenant's {@link ReorderShare} of the process's {@link ReorderMemory} until it is sealed or dropped. Part of {@link
 * OutOfOrderEnvelopeWriter}; not thread-safe.
 */
final class EarlyBytes {
  private final int segmentSize;
  private final SegmentBufferPool buffers;
  private final ReorderShare memory;
  private final TreeMap<Long, PendingSegment> segments = new TreeMap<>();

  EarlyBytes(SegmentBufferPool buffers, ReorderShare memory) {
    this.segmentSize = buffers.segmentSize();
    this.buffers = buffers;
    this.memory = memory;
  }

  /**
   * Copies {@code src} (all of it) to plaintext offset {@code offset}; later writes win.
   *
   * @throws CryptoException.ReorderMemoryFull if the segments it needs are more than the process's
   *     reorder memory, or the tenant's share of it, has left; then nothing is kept and {@code src}
   *     is untouched
   */
  void keep(long offset, ByteBuffer src) {
    long first = offset / segmentSize;
    long last = (offset + src.remaining() - 1) / segmentSize;
    long needed = 0;
    for (long index = first; index <= last; index++) {
      needed += segments.containsKey(index) ? 0 : 1;
    }
    if (needed > 0) {
      memory.take(needed * segmentSize);
    }
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
      memory.give(segmentSize);
    }
  }

  /** Zeroes and drops everything kept (the buffers are not returned to the pool). */
  void clear() {
    for (PendingSegment p : segments.values()) {
      Arrays.fill(p.data, (byte) 0);
    }
    memory.give((long) segments.size() * segmentSize);
    segments.clear();
  }
}
