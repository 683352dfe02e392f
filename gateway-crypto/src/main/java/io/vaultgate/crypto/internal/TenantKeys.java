package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import java.util.List;
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

  /**
   * Checks that {@code kek} can unwrap: not destroyed, not disabled, present.
   *
   * @param t the tenant's state, or null if the provider has never seen the tenant
   * @param where names the store in the not-found message ("keystore", "token")
   */
  public static void requireUsable(TenantKeys t, KekId kek, String where) {
    if (t != null && t.destroyed) {
      throw new CryptoException.KeyDestroyed("KEKs of tenant " + kek.tenantId() + " were destroyed");
    }
    if (t != null && t.disabled.contains(kek.version())) {
      throw new CryptoException.KeyDisabled("KEK " + kek + " is disabled");
    }
    if (t == null || !t.enabled.contains(kek.version())) {
      throw new CryptoException.KeyNotFound("no KEK " + kek + " in this " + where);
    }
  }

  /** Every version that still exists, oldest first. */
  public List<Integer> versions() {
    TreeSet<Integer> all = new TreeSet<>(enabled);
    all.addAll(disabled);
    return List.copyOf(all);
  }
}
