package io.vaultgate.crypto.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory every {@link OutOfOrderEnvelopeWriter} of a process may hold, together, for plaintext
 * that arrived ahead of a gap. Each writer's reorder window bounds one upload; this bounds them
 * all, so that many uploads with a few early bytes each (a one-byte write per segment of the
 * window costs a whole segment buffer) cannot together run the process out of memory. A write
 * that needs more than is left is refused with {@link
 * io.vaultgate.crypto.CryptoException.ReorderMemoryFull}. Writes that arrive in order never take
 * any of it. Thread-safe.
 */
public final class ReorderMemory {
  private final long limit;
  private final AtomicLong held = new AtomicLong();

  /** @param limit bytes, at least 0 */
  public ReorderMemory(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("reorder memory must be at least 0 bytes, was " + limit);
    }
    this.limit = limit;
  }

  /** The bytes all writers may hold together. */
  public long limit() {
    return limit;
  }

  /** The bytes held now. */
  public long held() {
    return held.get();
  }

  /** Takes {@code bytes} if that many are left, else takes nothing and returns false. */
  boolean take(long bytes) {
    for (long now = held.get(); ; now = held.get()) {
      if (now + bytes > limit) {
        return false;
      }
      if (held.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back {@code bytes} taken before. */
  void give(long bytes) {
    held.addAndGet(-bytes);
  }
}
