package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.KeyWrap;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.TenantKekProvider;
import io.vaultgate.crypto.internal.TenantKeys;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
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
 *
 * <p>Several processes may share the token (gateway nodes, a {@code vaultgate keys rotate} beside them), and a
 * token has no cheap change stamp, so the index of KEK versions is re-read from the token's object labels
 * before every change (a tenant's first KEK, rotation, disabling, destruction: so no second object with the
 * same label is ever created and a destruction deletes every version, also those another process made; and
 * again right before a key is stored, see {@link #storeNewKey}), when
 * the index lacks what an operation needs (a slot's version, an active KEK), and otherwise at most every
 * {@value #REINDEX_SECONDS} seconds, so a rotation elsewhere reaches new wraps here within that time.
 */
public final class Pkcs11KeyProvider extends TenantKekProvider {
  /** Provider name recorded in key slots. */
  public static final String NAME = "pkcs11";
  /** The longest this provider wraps with an index of the token that may be stale. */
  public static final int REINDEX_SECONDS = 10;

  private final Provider provider;
  private final KeyStore token;
  private final long reindexNanos;
  private long indexedAt;
  private Runnable beforeStore = () -> { };

  private Pkcs11KeyProvider(Provider provider, KeyStore token, Duration reindexEvery)
      throws GeneralSecurityException {
    super(NAME, "token", new KeyWrap(provider, RandomSource.secure()));
    this.provider = provider;
    this.token = token;
    this.reindexNanos = reindexEvery.toNanos();
    tenants.putAll(KekAliases.index(Collections.list(token.aliases())));
    indexedAt = System.nanoTime();
  }

  /**
   * Loads the PKCS#11 module and logs in to the token.
   *
   * @param pin the user PIN; copied, the caller may clear its array afterwards
   * @throws CryptoException.ProviderUnavailable if the module, slot or PIN is wrong
   */
  public static Pkcs11KeyProvider open(Pkcs11Config config, char[] pin) {
    return open(config, pin, Duration.ofSeconds(REINDEX_SECONDS));
  }

  /** As {@link #open(Pkcs11Config, char[])}, re-reading the token at most every {@code reindexEvery}. */
  static Pkcs11KeyProvider open(Pkcs11Config config, char[] pin, Duration reindexEvery) {
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
      return new Pkcs11KeyProvider(provider, ks, reindexEvery);
    } catch (IOException | GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable(
          "cannot log in to PKCS#11 token in slot " + config.slot() + ": wrong PIN or token", e);
    } finally {
      Arrays.fill(copy, '\0');
    }
  }

  @Override
  public synchronized KekId ensureTenant(String tenantId) {
    TenantKeys t = live(tenantId);
    if (t.active() == 0) {
      reindexNow(); // another process may have created it since
      t = live(tenantId);
      if (t.active() == 0) {
        addVersion(tenantId, t, t.highest() + 1);
      }
    }
    return new KekId(tenantId, t.active());
  }

  @Override
  public synchronized KekId rotate(String tenantId) {
    reindexNow();
    return super.rotate(tenantId);
  }

  @Override
  public synchronized void disable(KekId kek) {
    reindexNow();
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
    forget(kek);
  }

  @Override
  public synchronized List<KekId> destroyTenant(String tenantId) {
    reindexNow(); // every version, also those another process created
    EnvelopeContext.validateId("tenantId", tenantId);
    String tomb = KekAliases.tomb(tenantId);
    try {
      List<String> objects = new ArrayList<>();
      SortedSet<Integer> versions = new TreeSet<>();
      for (String alias : Collections.list(token.aliases())) {
        Optional<KekId> kek = KekAliases.kekOf(alias).filter(k -> k.tenantId().equals(tenantId));
        if (kek.isPresent()) {
          objects.add(alias);
          versions.add(kek.get().version());
        }
      }
      boolean tombstoned = token.containsAlias(tomb);
      if (tombstoned && objects.isEmpty()) {
        throw new CryptoException.KeyDestroyed("KEKs of tenant " + tenantId + " were destroyed");
      }
      if (!tombstoned) {
        storeNewKey(tomb, 128); // first: a destruction cut off halfway already fails closed
      }
      // Also what a destruction cut off after its tombstone left (the index hides it as destroyed).
      for (String alias : objects) {
        token.deleteEntry(alias);
      }
      forgetTenant(tenantId);
      TenantKeys t = tenants.computeIfAbsent(tenantId, k -> new TenantKeys());
      t.enabled.clear();
      t.disabled.clear();
      t.destroyed = true;
      return versions.stream().map(v -> new KekId(tenantId, v)).toList();
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot delete KEKs of " + tenantId, e);
    }
  }

  /**
   * Drops cached key handles and logs out of the token. PKCS#11 login state is per process, so
   * use one provider per token per process.
   */
  @Override
  public synchronized void close() {
    if (!markClosed()) {
      return;
    }
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

  @Override
  protected void refresh() {
    if (System.nanoTime() - indexedAt >= reindexNanos) {
      reindexNow();
    }
  }

  @Override
  protected boolean reloadOnMiss() {
    reindexNow();
    return true;
  }

  /** Re-reads the labels of the token's objects (the session stays logged in) and rebuilds the index. */
  private void reindexNow() {
    ensureOpen();
    try {
      token.load(null, null);
      reindex(KekAliases.index(Collections.list(token.aliases())));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof CryptoException ce) {
        throw ce;
      }
      throw new CryptoException.ProviderUnavailable("cannot list the keys in the token", e);
    }
    indexedAt = System.nanoTime();
  }

  @Override
  protected SecretKey storeNewKek(KekId kek) {
    return storeNewKey(KekAliases.kek(kek), 256);
  }

  /**
   * Generates a non-extractable AES key in the token and stores it as a token object, unless another process
   * stored one under that label meanwhile: then that one is used. SunPKCS11's {@code setEntry} deletes any
   * object with the label before it creates its own, so storing blindly would destroy a KEK another process
   * made an instant ago and may already have wrapped data keys with (they would never unwrap again). The
   * token is re-read right before the store, which leaves only the store's own instant open: PKCS#11 has no
   * atomic create-if-absent.
   */
  private SecretKey storeNewKey(String alias, int bits) {
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES", provider);
      g.init(bits);
      SecretKey sessionKey = g.generateKey();
      beforeStore.run();
      token.load(null, null);
      if (token.containsAlias(alias)) {
        return (SecretKey) token.getKey(alias, null); // made elsewhere since our index was read: adopt it
      }
      token.setEntry(alias, new KeyStore.SecretKeyEntry(sessionKey), null);
      return (SecretKey) token.getKey(alias, null);
    } catch (IOException | GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot create key " + alias + " in the token", e);
    }
  }

  /** For tests: runs after a new key is generated and before the token is checked and the key stored. */
  void beforeStore(Runnable hook) {
    this.beforeStore = hook;
  }

  @Override
  protected SecretKey loadKek(KekId kek) {
    SecretKey h;
    try {
      h = (SecretKey) token.getKey(KekAliases.kek(kek), null);
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot find KEK " + kek + " in the token", e);
    }
    if (h == null) {
      throw new CryptoException.KeyNotFound("no KEK " + kek + " in this token");
    }
    return h;
  }
}
