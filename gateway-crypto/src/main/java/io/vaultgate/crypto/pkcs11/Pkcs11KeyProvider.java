package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.KeyWrap;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.TenantKeys;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.security.auth.login.LoginException;

/**
 * Tenant KEKs as non-extractable AES-256 keys in a PKCS#11 token, through the JDK's SunPKCS11
 * provider. Data keys are wrapped and unwrapped by AES-GCM encryption inside the token (AES key-wrap
 * mechanisms are often missing or disabled), with the associated data of {@link KeyWrap}; only the
 * DEK, never the KEK, crosses into the JVM.
 *
 * <p>Token objects are labelled as {@link KekAliases} describes. Disabling a version adds a marker
 * object (the KEK's attributes cannot be changed through JCA); destroying a tenant deletes its KEK
 * objects and leaves a marker. The provider instance is not registered globally. Thread-safe (all
 * methods synchronized).
 */
public final class Pkcs11KeyProvider implements KeyProvider {
  /** Provider name recorded in key slots. */
  public static final String NAME = "pkcs11";

  private final Provider provider;
  private final KeyStore token;
  private final KeyWrap keyWrap;
  private final Map<String, TenantKeys> tenants = new HashMap<>();
  private final Map<KekId, SecretKey> handles = new HashMap<>();
  private boolean closed;

  private Pkcs11KeyProvider(Provider provider, KeyStore token) throws GeneralSecurityException {
    this.provider = provider;
    this.token = token;
    this.keyWrap = new KeyWrap(provider, RandomSource.secure());
    tenants.putAll(KekAliases.index(Collections.list(token.aliases())));
  }

  /**
   * Loads the PKCS#11 module and logs in to the token.
   *
   * @param pin the user PIN; copied, the caller may clear its array afterwards
   * @throws CryptoException.ProviderUnavailable if the module, slot or PIN is wrong
   */
  public static Pkcs11KeyProvider open(Pkcs11Config config, char[] pin) {
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure(config.sunPkcs11Config());
    } catch (RuntimeException e) {
      throw new CryptoException.ProviderUnavailable("cannot load PKCS#11 module "
          + config.library() + " slot " + config.slot() + ": " + e.getMessage(), e);
    }
    char[] copy = pin.clone();
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", provider);
      ks.load(null, copy);
      return new Pkcs11KeyProvider(provider, ks);
    } catch (IOException | GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable(
          "cannot log in to PKCS#11 token in slot " + config.slot() + ": wrong PIN or token", e);
    } finally {
      Arrays.fill(copy, '\0');
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized KekId ensureTenant(String tenantId) {
    TenantKeys t = live(tenantId);
    if (t.active() == 0) {
      addVersion(tenantId, t, t.highest() + 1);
    }
    return new KekId(tenantId, t.active());
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
  public synchronized KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
    TenantKeys t = live(ctx.tenantId());
    if (t.active() == 0) {
      throw new CryptoException.KeyNotFound(
          "tenant " + ctx.tenantId() + " has no active KEK; call ensureTenant first");
    }
    KekId kek = new KekId(ctx.tenantId(), t.active());
    return new KeySlot(NAME, kek, keyWrap.wrap(handle(kek), KeyWrap.associatedData(NAME, ctx, kek), dek));
  }

  @Override
  public synchronized DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
    ensureOpen();
    if (!slot.provider().equals(NAME)) {
      throw new CryptoException.KeyNotFound(
          "key slot belongs to provider " + slot.provider() + ", not " + NAME);
    }
    if (!slot.kek().tenantId().equals(ctx.tenantId())) {
      throw new CryptoException.AuthenticationFailed();
    }
    KekId kek = slot.kek();
    TenantKeys.requireUsable(tenants.get(kek.tenantId()), kek, "token");
    return keyWrap.unwrap(handle(kek), KeyWrap.associatedData(NAME, ctx, kek), slot.wrapped());
  }

  @Override
  public synchronized void disable(KekId kek) {
    TenantKeys t = live(kek.tenantId());
    if (!t.enabled.contains(kek.version())) {
      throw new CryptoException.KeyNotFound("no enabled KEK " + kek);
    }
    if (t.active() == kek.version()) {
      throw new IllegalStateException("KEK " + kek + " is the active version; rotate first");
    }
    storeNewKey(KekAliases.disabled(kek), 128);
    t.enabled.remove(kek.version());
    t.disabled.add(kek.version());
    handles.remove(kek);
  }

  @Override
  public synchronized void destroyTenant(String tenantId) {
    TenantKeys t = live(tenantId);
    storeNewKey(KekAliases.tomb(tenantId), 128);
    try {
      for (int v : t.versions()) {
        KekId kek = new KekId(tenantId, v);
        token.deleteEntry(KekAliases.kek(kek));
        if (token.containsAlias(KekAliases.disabled(kek))) {
          token.deleteEntry(KekAliases.disabled(kek));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot delete KEKs of " + tenantId, e);
    }
    handles.keySet().removeIf(k -> k.tenantId().equals(tenantId));
    t.enabled.clear();
    t.disabled.clear();
    t.destroyed = true;
  }

  @Override
  public synchronized List<Integer> versions(String tenantId) {
    ensureOpen();
    TenantKeys t = tenants.get(tenantId);
    return t == null ? List.of() : t.versions();
  }

  /**
   * Drops cached key handles and logs out of the token. PKCS#11 login state is per process, so
   * use one provider per token per process.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    handles.clear();
    try {
      ((AuthProvider) provider).logout();
    } catch (LoginException e) {
      // The session may already be gone with the token; nothing is left to protect.
    }
  }

  @Override
  public String toString() {
    return "Pkcs11KeyProvider[" + provider.getName() + "]";
  }

  private TenantKeys live(String tenantId) {
    ensureOpen();
    EnvelopeContext.validateId("tenantId", tenantId);
    TenantKeys t = tenants.computeIfAbsent(tenantId, k -> new TenantKeys());
    if (t.destroyed) {
      throw new CryptoException.KeyDestroyed("KEKs of tenant " + tenantId + " were destroyed");
    }
    return t;
  }

  private void addVersion(String tenantId, TenantKeys t, int version) {
    KekId kek = new KekId(tenantId, version);
    handles.put(kek, storeNewKey(KekAliases.kek(kek), 256));
    t.enabled.add(version);
  }

  /** Generates a non-extractable AES key in the token and stores it as a token object. */
  private SecretKey storeNewKey(String alias, int bits) {
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES", provider);
      g.init(bits);
      SecretKey sessionKey = g.generateKey();
      token.setEntry(alias, new KeyStore.SecretKeyEntry(sessionKey), null);
      return (SecretKey) token.getKey(alias, null);
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot create key " + alias + " in the token", e);
    }
  }

  private SecretKey handle(KekId kek) {
    SecretKey h = handles.get(kek);
    if (h != null) {
      return h;
    }
    try {
      h = (SecretKey) token.getKey(KekAliases.kek(kek), null);
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot find KEK " + kek + " in the token", e);
    }
    if (h == null) {
      throw new CryptoException.KeyNotFound("no KEK " + kek + " in this token");
    }
    handles.put(kek, h);
    return h;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("key provider is closed");
    }
  }
}
