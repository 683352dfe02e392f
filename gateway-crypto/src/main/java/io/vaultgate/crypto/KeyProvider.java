package io.vaultgate.crypto;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Holds tenants' key-encryption keys (KEKs) and wraps data keys with them.
 *
 * <p>KEKs are versioned per tenant. {@link #wrap} always uses the tenant's active (newest enabled)
 * version; {@link #unwrap} uses the version named by the slot. The wrap's associated data binds the
 * tenant id, the file id, the KEK id and its version, so a slot cannot be moved to another file or
 * tenant, or relabelled with another KEK version. Where slots are stored is the caller's business.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyProvider extends AutoCloseable {
  /** The provider name recorded in every {@link KeySlot} it makes (e.g. "keystore", "pkcs11"). */
  String name();

  /**
   * Returns the tenant's active KEK version, creating version 1 if the tenant has no KEK yet.
   *
   * @throws CryptoException.KeyDestroyed if the tenant's keys were destroyed
   */
  KekId ensureTenant(String tenantId);

  /**
   * Returns the tenant's active KEK version without ever creating one: what a change to existing keys needs (a
   * node whose store lacks a tenant created elsewhere must not make a second, different version 1 of it).
   *
   * @throws CryptoException.KeyNotFound if the tenant has no enabled KEK here
   * @throws CryptoException.KeyDestroyed if the tenant's keys were destroyed
   */
  KekId active(String tenantId);

  /**
   * Creates the next KEK version for the tenant and makes it active. New wraps use it at once;
   * existing slots keep unwrapping with their own version until rewrapped.
   *
   * @throws CryptoException.KeyNotFound if the tenant has no KEK
   */
  KekId rotate(String tenantId);

  /** Wraps {@code dek} for {@code ctx} with the tenant's active KEK. */
  KeySlot wrap(EnvelopeContext ctx, DataKey dek);

  /**
   * Unwraps a slot made for {@code ctx}.
   *
   * @throws CryptoException.AuthenticationFailed if the slot was altered or made for another context
   * @throws CryptoException.KeyNotFound, KeyDisabled, KeyDestroyed for the named KEK version
   */
  DataKey unwrap(EnvelopeContext ctx, KeySlot slot);

  /**
   * Disables one KEK version so it can no longer unwrap; the caller first rewraps every slot that
   * references it. The active version cannot be disabled.
   */
  void disable(KekId kek);

  /**
   * Destroys every KEK version of the tenant: all its files become unreadable (crypto-shred).
   *
   * @return the versions destroyed, oldest first: every version the store held at that moment, also
   *     those another process created (what a shredding record must name)
   */
  List<KekId> destroyTenant(String tenantId);

  /**
   * The tenant's KEK versions that still exist, enabled or disabled, oldest first; empty for an
   * unknown or destroyed tenant.
   */
  List<Integer> versions(String tenantId);

  /**
   * The tenant's disabled KEK versions, oldest first: what a node reports so that nodes with other copies of the
   * store learn of them (the gateway records them in its catalog). Empty for an unknown or destroyed tenant, and
   * by default.
   */
  default List<Integer> disabledVersions(String tenantId) {
    return List.of();
  }

  /**
   * Re-reads, now, a store that other processes change without telling this one (an HSM token shared by gateway
   * nodes and by {@code vaultgate keys rotate}), instead of at its next periodic re-read: what a caller does when
   * this provider seems behind a record kept elsewhere (the catalog's KEK versions), before refusing. Returns
   * whether anything was re-read; false by default (a provider whose store only it changes, or that notices every
   * change at its next use anyway).
   */
  default boolean reload() {
    return false;
  }

  /**
   * Names the handle through which this provider would use {@code kek} now, without using it: two equal answers mean
   * the same loaded handle, so the same key. What a caller learned by using the key (a key check that it opened: the
   * catalog's record of which key a version is) holds for as long as the answer stays the same, and the caller may
   * reuse it instead of asking the key again (a second HSM operation per unwrap). A provider answers anew, never
   * with an earlier value, whenever it loads the key again: after a re-read of its store (another process may have
   * replaced the key: a keystore file copied over, a token re-read), and after the version was disabled or the
   * tenant destroyed. May load the key (no cryptographic operation); empty when the version cannot unwrap here (not
   * held, disabled, destroyed), and by default: the caller then asks the key every time.
   *
   * <p>A decorator whose {@link #unwrap} may answer otherwise than its delegate's must keep this default.
   */
  default OptionalLong keyHandle(KekId kek) {
    return OptionalLong.empty();
  }

  /**
   * A key check of {@code kek}, a version this provider holds enabled, not necessarily the active one: a fresh random
   * key, made here and thrown away, wrapped by that version for {@code ctx}. Never a caller's key: only the active
   * version wraps data ({@link #wrap}). What a version recorded without a check gets, once this node's key of it has
   * opened the tenant's stored data keys. Empty by default (a provider that cannot name the version to wrap with).
   *
   * @throws CryptoException.KeyNotFound, KeyDisabled, KeyDestroyed for the named version
   */
  default Optional<KeySlot> keyCheck(EnvelopeContext ctx, KekId kek) {
    return Optional.empty();
  }

  /**
   * Moves a slot to the tenant's active KEK version, leaving the payload untouched. A slot already
   * on the active version is returned as is.
   */
  default KeySlot rewrap(EnvelopeContext ctx, KeySlot slot) {
    KekId active = active(ctx.tenantId());
    if (slot.kek().equals(active) && slot.provider().equals(name())) {
      return slot;
    }
    DataKey dek = unwrap(ctx, slot);
    try {
      return wrap(ctx, dek);
    } finally {
      dek.destroy();
    }
  }

  @Override
  void close();
}
