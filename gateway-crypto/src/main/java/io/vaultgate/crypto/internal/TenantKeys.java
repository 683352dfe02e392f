package io.vaultgate.crypto.internal;

import java.util.TreeSet;

/**
 * What a key provider knows about one tenant's KEK versions. Mutable; guarded by its provider.
 */
public final class TenantKeys {
  public final TreeSet<Integer> enabled = new TreeSet<>();
  public final TreeSet<Integer> disabled = new TreeSet<>();
  public boolean destroyed;

  /** The newest enabled version, or 0 if there is none. */
  public int active() {
    return enabled.isEmpty() ? 0 : enabled.last();
  }

  /** The highest version ever created, enabled or disabled, or 0. */
  public int highest() {
    int e = enabled.isEmpty() ? 0 : enabled.last();
    int d = disabled.isEmpty() ? 0 : disabled.last();
    return Math.max(e, d);
  }

  /** Every version that still exists, oldest first. */
  public java.util.List<Integer> versions() {
    TreeSet<Integer> all = new TreeSet<>(enabled);
    all.addAll(disabled);
    return java.util.List.copyOf(all);
  }
}
