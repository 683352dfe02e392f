package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.crypto.SecretKey;

/**
 * What every provider that keeps versioned AES-256 KEKs per tenant does the same way: the version
 * bookkeeping ({@link TenantKeys}), rotation, wrapping and unwrapping data keys with {@link KeyWrap},
 * and a cache of loaded keys, each with a number of its own ({@link #keyHandle}). Subclasses say
 * where a KEK lives: how a new version is stored, how an existing one is loaded, how versions are
 * disabled and tenants destroyed.
 *
 * <p>Subclasses synchronize on {@code this}, like the methods here.
 */
public abstract class TenantKekProvider implements KeyProvider {

  /** The indexed KEK versions of every tenant seen so far. */
  protected final Map<String, TenantKeys> tenants = new HashMap<>();

  private final String name;
  private final String store;
  private KeyWrap keyWrap;
  private final Map<KekId, LoadedKek> loaded = new HashMap<>();
  /** The number the next loaded key gets: never reused, so a key loaded again never answers an earlier one. */
  private long nextHandle = 1;
  private boolean closed;

  /**
   * @param name the provider name recorded in key slots
   * @param store what the keys are in, for error messages ({@code keystore}, {@code token})
   */
  protected TenantKekProvider(String name, String store, KeyWrap keyWrap) {
    this.name = name;
    this.store = store;
    this.keyWrap = keyWrap;
  }

  /** Stores a new KEK for {@code kek} and returns it (or a handle to it). */
  protected abstract SecretKey storeNewKek(KekId kek);

  /** Loads an existing KEK; {@link CryptoException.KeyNotFound} if it is not there. */
  protected abstract SecretKey loadKek(KekId kek);

  /**
   * Called before every use: a provider whose store another process may change (a keystore file) picks the
   * change up here, with {@link #reindex}. Nothing by default.
   */
  protected void refresh() {}

  /**
   * Called when the index lacks what a caller needs (no active KEK to wrap with, a slot's version unknown or
   * its key unusable): a provider whose store other processes change without a cheap change stamp (an HSM
   * token shared by several nodes) re-reads it here and returns true, so the operation is tried once more.
   * False (nothing re-read) by default.
   */
  protected boolean reloadOnMiss() {
    return false;
  }

  /**
   * Uses {@code replacement} for every wrap and unwrap from now on: the provider whose keys it uses was opened anew
   * (a token logged in to again), and the keys it loads belong to it. Call {@link #reindex} with it.
   */
  protected final void replaceKeyWrap(KeyWrap replacement) {
    keyWrap = replacement;
  }

  /** Replaces the version index and drops every cached KEK, after the store was changed elsewhere. */
  protected final void reindex(Map<String, TenantKeys> index) {
    tenants.clear();
    tenants.putAll(index);
    loaded.clear();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public synchronized KekId rotate(String tenantId) {
    TenantKeys t = live(tenantId);
    if (t.highest() == 0) {
      throw new CryptoException.KeyNotFound("tenant " + tenantId + " has no KEK to rotate");
    }
    addVersion(tenantId, t, t.highest() + 1);
    return new KekId(tenantId, t.active());
  }

  @Override
  public synchronized KekId active(String tenantId) {
    TenantKeys t = live(tenantId);
    if (t.active() == 0 && reloadOnMiss()) {
      t = live(tenantId);
    }
    if (t.active() == 0) {
      throw new CryptoException.KeyNotFound("tenant " + tenantId + " has no active KEK here");
    }
    return new KekId(tenantId, t.active());
  }

  /**
   * Wraps with the active version. Like an unwrap, a wrap whose key cannot be loaded or used (the token's session or
   * login was lost: a restarted HSM, a token removed and put back) is tried once more after {@link #reloadOnMiss},
   * which may log in to the token again: a wrap never fails only because the index or key handle it used went stale.
   */
  @Override
  public synchronized KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
    KekId kek = active(ctx.tenantId());
    try {
      return new KeySlot(name, kek, keyWrap.wrap(kek(kek), KeyWrap.associatedData(name, ctx, kek), dek));
    } catch (CryptoException.KeyNotFound | CryptoException.ProviderUnavailable miss) {
      if (!reloadOnMiss()) {
        throw miss;
      }
      KekId again = active(ctx.tenantId());
      return new KeySlot(name, again, keyWrap.wrap(kek(again), KeyWrap.associatedData(name, ctx, again), dek));
    }
  }

  @Override
  public synchronized DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
    ensureOpen();
    refresh();
    if (!slot.provider().equals(name)) {
      throw new CryptoException.KeyNotFound(
          "key slot belongs to provider " + slot.provider() + ", not " + name);
    }
    if (!slot.kek().tenantId().equals(ctx.tenantId())) {
      throw new CryptoException.AuthenticationFailed();
    }
    KekId kek = slot.kek();
    byte[] ad = KeyWrap.associatedData(name, ctx, kek);
    try {
      TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, store);
      return keyWrap.unwrap(kek(kek), ad, slot.wrapped());
    } catch (CryptoException.KeyNotFound | CryptoException.ProviderUnavailable miss) {
      if (!reloadOnMiss()) {
        throw miss;
      }
      TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, store);
      return keyWrap.unwrap(kek(kek), ad, slot.wrapped());
    }
  }

  /**
   * The number of the loaded key of {@code kek}, loading it if needed: unchanged while it stays loaded; a key loaded
   * again (after {@link #reindex}, {@link #forget}, {@link #forgetTenant}) gets a new one. Empty where the index
   * refuses the version (not held, disabled, destroyed) or the key cannot be loaded.
   */
  @Override
  public synchronized OptionalLong keyHandle(KekId kek) {
    ensureOpen();
    refresh();
    try {
      TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, store);
      return OptionalLong.of(loaded(kek).handle);
    } catch (CryptoException unusable) {
      return OptionalLong.empty();
    }
  }

  @Override
  public synchronized Optional<KeySlot> keyCheck(EnvelopeContext ctx, KekId kek) {
    ensureOpen();
    refresh();
    if (!kek.tenantId().equals(ctx.tenantId())) {
      throw new IllegalArgumentException("a key check of " + kek + " is made for its own tenant, not "
          + ctx.tenantId());
    }
    TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, store);
    DataKey thrownAway = DataKey.generate();
    try {
      return Optional.of(new KeySlot(name, kek,
          keyWrap.wrap(kek(kek), KeyWrap.associatedData(name, ctx, kek), thrownAway)));
    } catch (CryptoException.KeyNotFound | CryptoException.ProviderUnavailable miss) {
      if (!reloadOnMiss()) {
        throw miss;
      }
      TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, store);
      return Optional.of(new KeySlot(name, kek,
          keyWrap.wrap(kek(kek), KeyWrap.associatedData(name, ctx, kek), thrownAway)));
    } finally {
      thrownAway.destroy();
    }
  }

  /** Re-reads the store now where {@link #reloadOnMiss} does (a shared HSM token); false otherwise. */
  @Override
  public synchronized boolean reload() {
    ensureOpen();
    return reloadOnMiss();
  }

  @Override
  public synchronized List<Integer> versions(String tenantId) {
    ensureOpen();
    refresh();
    TenantKeys t = tenants.get(tenantId);
    return t == null ? List.of() : t.versions();
  }

  @Override
  public synchronized List<Integer> disabledVersions(String tenantId) {
    ensureOpen();
    refresh();
    TenantKeys t = tenants.get(tenantId);
    return t == null || t.destroyed ? List.of() : List.copyOf(t.disabled);
  }

  /** The tenant's versions, for a change: open, valid id, not destroyed. */
  protected final TenantKeys live(String tenantId) {
    ensureOpen();
    refresh();
    EnvelopeContext.validateId("tenantId", tenantId);
    TenantKeys t = tenants.computeIfAbsent(tenantId, k -> new TenantKeys());
    if (t.destroyed) {
      throw new CryptoException.KeyDestroyed("KEKs of tenant " + tenantId + " were destroyed");
    }
    return t;
  }

  /** Creates and enables KEK version {@code version} of the tenant. */
  protected final void addVersion(String tenantId, TenantKeys t, int version) {
    KekId kek = new KekId(tenantId, version);
    loaded.put(kek, new LoadedKek(storeNewKek(kek), nextHandle++));
    t.enabled.add(version);
  }

  /** Drops a cached KEK (disabled or destroyed). */
  protected final void forget(KekId kek) {
    loaded.remove(kek);
  }

  /** Drops every cached KEK of a tenant. */
  protected final void forgetTenant(String tenantId) {
    loaded.keySet().removeIf(k -> k.tenantId().equals(tenantId));
  }

  /** Marks the provider closed and drops the cache; false if it was closed already. */
  protected final boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    loaded.clear();
    return true;
  }

  protected final void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("key provider is closed");
    }
  }

  private SecretKey kek(KekId kek) {
    return loaded(kek).key;
  }

  private LoadedKek loaded(KekId kek) {
    LoadedKek cached = loaded.get(kek);
    if (cached != null) {
      return cached;
    }
    LoadedKek fresh = new LoadedKek(loadKek(kek), nextHandle++);
    loaded.put(kek, fresh);
    return fresh;
  }

  /** A loaded key (or a handle to it in a token) and its number; no {@code toString}, no equality of keys. */
  private static final class LoadedKek {
    final SecretKey key;
    final long handle;

    LoadedKek(SecretKey key, long handle) {
      this.key = key;
      this.handle = handle;
    }
  }
}
