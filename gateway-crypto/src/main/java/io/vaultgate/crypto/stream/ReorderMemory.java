package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull.Bound;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory every {@link OutOfOrderEnvelopeWriter} of a process may hold, together, for plaintext
 * that arrived ahead of a gap, and the share of it each tenant may hold. Each writer's reorder
 * window bounds one upload; the limit bounds them all, so that many uploads with a few early bytes
 * each (a one-byte write per segment of the window costs a whole segment buffer) cannot together
 * run the process out of memory; the share per tenant keeps one tenant's uploads from holding all
 * of it and failing every other tenant's out-of-order writes. A write that needs more than is left
 * of either is refused with {@link ReorderMemoryFull}, naming the bound. Writes that arrive in
 * order never take any of it. A writer takes from it through its tenant's {@link ReorderShare}.
 * Thread-safe; a tenant that holds nothing has no entry left.
 */
public final class ReorderMemory {
  private final long limit;
  private final long perTenant;
  private final AtomicLong held = new AtomicLong();
  private final ConcurrentHashMap<String, Long> heldByTenant = new ConcurrentHashMap<>();

  /** Memory of {@code limit} bytes, any tenant may hold all of it. */
  public ReorderMemory(long limit) {
    this(limit, limit);
  }

  /**
   * @param limit bytes all writers may hold together, at least 0
   * @param perTenant bytes the writers of one tenant may hold together, 0 to {@code limit}
   */
  public ReorderMemory(long limit, long perTenant) {
    if (limit < 0) {
      throw new IllegalArgumentException("reorder memory must be at least 0 bytes, was " + limit);
    }
    if (perTenant < 0 || perTenant > limit) {
      throw new IllegalArgumentException("a tenant's share of the reorder memory must be 0 to "
          + limit + " bytes, was " + perTenant);
    }
    this.limit = limit;
    this.perTenant = perTenant;
  }

  /** The bytes all writers may hold together. */
  public long limit() {
    return limit;
  }

  /** The bytes the writers of one tenant may hold together. */
  public long perTenant() {
    return perTenant;
  }

  /** The bytes held now. */
  public long held() {
    return held.get();
  }

  /** The bytes the writers of {@code tenant} hold now. */
  public long heldBy(String tenant) {
    return heldByTenant.getOrDefault(tenant, 0L);
  }

  /** The tenants that hold any now. */
  public int tenantsHolding() {
    return heldByTenant.size();
  }

  /** What the writers of {@code tenant} take from, and give back to. */
  public ReorderShare share(String tenant) {
    return new ReorderShare(this, tenant);
  }

  /**
   * Takes {@code bytes} for {@code tenant}, from its share and from the process's memory, or nothing.
   *
   * @throws ReorderMemoryFull if either has less left; the tenant's share is checked first
   */
  void take(String tenant, long bytes) {
    heldByTenant.compute(tenant, (t, now) -> {
      long mine = now == null ? 0 : now;
      if (mine + bytes > perTenant) {
        throw new ReorderMemoryFull(Bound.TENANT, "this tenant's share (" + perTenant
            + " bytes) of the memory this process keeps for writes that arrive ahead of a gap is in"
            + " use; send the writes in order");
      }
      if (!takeFromProcess(bytes)) {
        throw new ReorderMemoryFull(Bound.PROCESS, "the " + limit + " bytes this process keeps for"
            + " writes that arrive ahead of a gap are in use; send the writes in order");
      }
      return mine + bytes;
    });
  }

  /** Gives back {@code bytes} {@code tenant} took before; its entry goes once it holds nothing. */
  void give(String tenant, long bytes) {
    if (bytes == 0) {
      return;
    }
    heldByTenant.compute(tenant, (t, now) -> {
      if (now == null || now < bytes) {
        throw new IllegalStateException("gives back " + bytes + " bytes of reorder memory but holds "
            + (now == null ? 0 : now));
      }
      held.addAndGet(-bytes);
      return now == bytes ? null : now - bytes;
    });
  }

  private boolean takeFromProcess(long bytes) {
    for (long now = held.get(); ; now = held.get()) {
      if (now + bytes > limit) {
        return false;
      }
      if (held.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }
}
