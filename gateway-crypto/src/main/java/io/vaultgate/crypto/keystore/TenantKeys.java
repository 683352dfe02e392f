package io.vaultgate.crypto.keystore;

import java.util.TreeSet;

/** What a key store knows about one tenant's KEK versions. Mutable, guarded by its provider. */
final class TenantKeys {
  final TreeSet<Integer> enabled = new TreeSet<>();
  final TreeSet<Integer> disabled = new TreeSet<>();
  boolean destroyed;

  /** The newest enabled version, or 0 if there is none. */
  int active() {
    return enabled.isEmpty() ? 0 : enabled.last();
  }

  /** The highest version ever created, enabled or disabled, or 0. */
  int highest() {
    int e = enabled.isEmpty() ? 0 : enabled.last();
    int d = disabled.isEmpty() ? 0 : disabled.last();
    return Math.max(e, d);
  }
}
