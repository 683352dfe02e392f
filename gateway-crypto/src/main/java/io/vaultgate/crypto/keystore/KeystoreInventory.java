package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.TenantKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which tenants' KEK versions a keystore file holds, read without the master secret: what {@code vaultgate doctor}
 * compares with the catalog's record of them, on a node whose copy of the file may be behind another node's. Only
 * the entries' names are read (PKCS#12 keeps them in the clear; every key stays encrypted and is never touched), and
 * they are not authenticated, since checking the file's MAC needs the secret: a report's input, never a decision's.
 */
public final class KeystoreInventory {

  private final Map<String, TenantKeys> tenants;

  private KeystoreInventory(Map<String, TenantKeys> tenants) {
    this.tenants = tenants;
  }

  /**
   * Reads the names in the keystore file at {@code path}.
   *
   * @throws io.vaultgate.crypto.CryptoException.ProviderUnavailable if it is missing, not private to its owner, has
   *     no integrity check, or is not readable as a keystore
   */
  public static KeystoreInventory read(Path path) {
    return new KeystoreInventory(KekAliases.index(KeystoreFile.aliases(path)));
  }

  /** The tenants this file names: with KEK versions, or destroyed. */
  public Set<String> tenants() {
    return new TreeSet<>(tenants.keySet());
  }

  /** The tenant's KEK versions in the file, enabled or disabled, oldest first; empty if unknown or destroyed. */
  public List<Integer> versions(String tenantId) {
    TenantKeys keys = tenants.get(tenantId);
    return keys == null ? List.of() : keys.versions();
  }

  /** The tenant's disabled KEK versions in the file, oldest first. */
  public List<Integer> disabledVersions(String tenantId) {
    TenantKeys keys = tenants.get(tenantId);
    return keys == null ? List.of() : List.copyOf(keys.disabled);
  }

  /** Whether the file holds the tenant's tombstone: its KEKs were destroyed here (a shred). */
  public boolean destroyed(String tenantId) {
    TenantKeys keys = tenants.get(tenantId);
    return keys != null && keys.destroyed;
  }
}
