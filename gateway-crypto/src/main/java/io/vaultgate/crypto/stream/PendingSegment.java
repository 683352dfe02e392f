package io.vaultgate.crypto.stream;

import java.util.Map;
import java.util.TreeMap;

/**
 * One not-yet-sealed segment of an out-of-order writer: its plaintext buffer and which byte ranges
 * of it have been written, kept as disjoint, non-adjacent {@code [start, end)} intervals.
 */
final class PendingSegment {
  final byte[] data;
  private final TreeMap<Integer, Integer> ranges = new TreeMap<>();

  PendingSegment(byte[] data) {
    this.data = data;
  }

  /** Records that {@code [start, end)} now holds written bytes. */
  void add(int start, int end) {
    Map.Entry<Integer, Integer> before = ranges.floorEntry(start);
    if (before != null && before.getValue() >= start) {
      start = before.getKey();
      end = Math.max(end, before.getValue());
    }
    Map.Entry<Integer, Integer> next = ranges.ceilingEntry(start);
    while (next != null && next.getKey() <= end) {
      end = Math.max(end, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(start);
    }
    ranges.put(start, end);
  }

  /** End of the written run that contains {@code from}, or {@code from} if that byte is unwritten. */
  int runEnd(int from) {
    Map.Entry<Integer, Integer> e = ranges.floorEntry(from);
    return e != null && e.getValue() > from ? e.getValue() : from;
  }
}
