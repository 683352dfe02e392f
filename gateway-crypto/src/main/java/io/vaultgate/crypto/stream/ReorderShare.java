package io.vaultgate.crypto.stream;

import java.util.Objects;

/**
 * One tenant's claim on the process's {@link ReorderMemory}: what an {@link OutOfOrderEnvelopeWriter}
 * of that tenant takes its early-byte segments from and gives them back to.
 *
 * @param memory the process's memory
 * @param tenant the tenant whose writers take from it
 */
public record ReorderShare(ReorderMemory memory, String tenant) {
  public ReorderShare {
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(tenant, "tenant");
  }

  /** A share of memory of its own, {@code bytes} large: a writer that shares with no other. */
  static ReorderShare ofItsOwn(long bytes) {
    return new ReorderMemory(bytes).share("");
  }

  void take(long bytes) {
    memory.take(tenant, bytes);
  }

  void give(long bytes) {
    memory.give(tenant, bytes);
  }
}
