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
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.crypto.SecretKey;

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
 * again right before a key is stored, see {@link TokenObjects#storeNew}), when
 * the index lacks what an operation needs (a slot's version, an active KEK), and otherwise at most every
 * {@value #REINDEX_SECONDS} seconds, so a rotation elsewhere reaches new wraps here within that time.
 *
 * <p>The login to the token is kept by {@link TokenLogin}: the token selected by label or slot and checked by serial
 * number, and logged in to again when it lost this process's session or login, where the provider was opened with a
 * {@link PinSource}. Then the keys move to the new login's JCA provider, the index and key cache are read anew, and
 * the use that met the loss is tried once more.
 */
public final class Pkcs11KeyProvider extends TenantKekProvider {
  /** Provider name recorded in key slots. */
  public static final String NAME = "pkcs11";
  /** The longest this provider wraps with an index of the token that may be stale. */
  public static final int REINDEX_SECONDS = 10;
  /** After a failed login again, how long every use fails at once before the next attempt. */
  public static final int RELOGIN_BACKOFF_SECONDS = 5;

  /**
   * Where the user PIN comes from each time the provider logs in (at open, and again after the token lost the
   * session): read anew every time, never kept; the provider clears the array after the login.
   */
  @FunctionalInterface
  public interface PinSource {
    char[] read();
  }

  private final TokenLogin login;
  private final TokenObjects objects;
  private final long reindexNanos;
  private long indexedAt;

  private Pkcs11KeyProvider(TokenLogin login, Duration reindexEvery) throws GeneralSecurityException {
    super(NAME, "token", keyWrap(login.session()));
    this.login = login;
    this.objects = new TokenObjects(login);
    this.reindexNanos = reindexEvery.toNanos();
    tenants.putAll(KekAliases.index(objects.labels()));
    indexedAt = System.nanoTime();
  }

  /**
   * Loads the PKCS#11 module and logs in to the token. This provider cannot log in again if the token loses the
   * session (see {@link #open(Pkcs11Config, PinSource)}).
   *
   * @param pin the user PIN; copied, the caller may clear its array afterwards
   * @throws CryptoException.ProviderUnavailable if the module, slot or PIN is wrong
   */
  public static Pkcs11KeyProvider open(Pkcs11Config config, char[] pin) {
    char[] copy = pin.clone();
    try {
      return open(config, null, copy, Duration.ofSeconds(REINDEX_SECONDS));
    } finally {
      Arrays.fill(copy, '\0');
    }
  }

  /**
   * Loads the PKCS#11 module, selects the token ({@link TokenSlots#select}: by label or slot, its serial number
   * checked) and logs in with the PIN {@code pin} reads. When the token later loses this process's session or login
   * (the HSM restarted, the token was removed and put back, a network HSM failed over), the next use that meets it
   * logs in again, with the PIN read anew, to the same token (the same serial number, found again by label or slot),
   * and is then tried once more; a token that refuses the PIN is not tried again (its wrong-PIN limit).
   *
   * @throws CryptoException.ProviderUnavailable if the module, token or PIN is wrong
   */
  public static Pkcs11KeyProvider open(Pkcs11Config config, PinSource pin) {
    return open(config, pin, Duration.ofSeconds(REINDEX_SECONDS));
  }

  /** As {@link #open(Pkcs11Config, char[])}, re-reading the token at most every {@code reindexEvery}. */
  static Pkcs11KeyProvider open(Pkcs11Config config, char[] pin, Duration reindexEvery) {
    char[] copy = pin.clone();
    try {
      return open(config, null, copy, reindexEvery);
    } finally {
      Arrays.fill(copy, '\0');
    }
  }

  /** As {@link #open(Pkcs11Config, PinSource)}, re-reading the token at most every {@code reindexEvery}. */
  static Pkcs11KeyProvider open(Pkcs11Config config, PinSource pin, Duration reindexEvery) {
    char[] first = pin.read();
    try {
      return open(config, pin, first, reindexEvery);
    } finally {
      Arrays.fill(first, '\0');
    }
  }

  private static Pkcs11KeyProvider open(Pkcs11Config config, PinSource source, char[] pin, Duration reindexEvery) {
    TokenLogin login = TokenLogin.open(config, source, pin);
    try {
      return new Pkcs11KeyProvider(login, reindexEvery);
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot list the keys in the token", e);
    }
  }

  /** Wraps and unwraps inside the token of {@code session}. */
  private static KeyWrap keyWrap(TokenSession session) {
    return new KeyWrap(session.provider(), RandomSource.secure());
  }

  /** The token this provider is logged in to, where the JVM lets the token list be read. */
  public synchronized Optional<TokenSlots.Token> token() {
    return login.session().identity();
  }

  /** How many times this provider has logged in to the token: 1, and one more each time it logged in again. */
  synchronized int logins() {
    return login.logins();
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
    objects.storeNew(KekAliases.disabled(kek), 128);
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
      List<String> keks = new ArrayList<>();
      SortedSet<Integer> versions = new TreeSet<>();
      for (String alias : objects.labels()) {
        Optional<KekId> kek = KekAliases.kekOf(alias).filter(k -> k.tenantId().equals(tenantId));
        if (kek.isPresent()) {
          keks.add(alias);
          versions.add(kek.get().version());
        }
      }
      boolean tombstoned = objects.contains(tomb);
      if (tombstoned && keks.isEmpty()) {
        throw new CryptoException.KeyDestroyed("KEKs of tenant " + tenantId + " were destroyed");
      }
      if (!tombstoned) {
        objects.storeNew(tomb, 128); // first: a destruction cut off halfway already fails closed
      }
      // Also what a destruction cut off after its tombstone left (the index hides it as destroyed).
      for (String alias : keks) {
        objects.delete(alias);
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
    if (markClosed()) {
      login.logout();
    }
  }

  @Override
  public synchronized String toString() {
    return "Pkcs11KeyProvider[" + login.session().provider().getName() + "]";
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

  /**
   * Re-reads the labels of the token's objects (the session stays logged in) and rebuilds the index. A token that
   * cannot be read because the session or its login is gone is logged in to again first ({@link TokenLogin#relogin}),
   * and the keys then wrap and unwrap in the new login's provider.
   */
  private void reindexNow() {
    ensureOpen();
    Map<String, TenantKeys> index;
    try {
      index = objects.index();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof CryptoException ce) {
        throw ce;
      }
      login.relogin(e, fresh -> replaceKeyWrap(keyWrap(fresh)));
      try {
        index = objects.index();
      } catch (IOException | GeneralSecurityException | RuntimeException again) {
        throw new CryptoException.ProviderUnavailable("cannot list the keys in the token", again);
      }
    }
    reindex(index);
    indexedAt = System.nanoTime();
  }

  /** The PKCS#11 return code ({@code CKR_...}) somewhere in the cause chain, e.g. {@code CKR_PIN_INCORRECT}. */
  public static Optional<String> returnCode(Throwable error) {
    return ReturnCodes.in(error);
  }

  @Override
  protected SecretKey storeNewKek(KekId kek) {
    return objects.storeNew(KekAliases.kek(kek), 256);
  }

  /** For tests: runs after a new key is generated and before the token is checked and the key stored. */
  void beforeStore(Runnable hook) {
    objects.beforeStore(hook);
  }

  @Override
  protected SecretKey loadKek(KekId kek) {
    return objects.loadKek(kek);
  }
}
