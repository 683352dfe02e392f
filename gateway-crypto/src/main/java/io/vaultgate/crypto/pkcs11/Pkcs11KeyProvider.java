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
import java.security.ProviderException;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 *
 * <p>The token is selected by label or slot and checked by serial number ({@link TokenSlots#select}). A token that
 * loses this process's session or login (an HSM restart, a token removed and put back, a network HSM failing over)
 * is logged in to again by the next use that meets it, when the provider was opened with a {@link PinSource}: the
 * same token (found again, its label and serial number unchanged), a new JCA provider instance made whole before it
 * replaces the old one, the index and key cache read anew, and the use tried once more.
 */
public final class Pkcs11KeyProvider extends TenantKekProvider {
  /** Provider name recorded in key slots. */
  public static final String NAME = "pkcs11";
  /** The longest this provider wraps with an index of the token that may be stale. */
  public static final int REINDEX_SECONDS = 10;
  /** After a failed login again, how long every use fails at once before the next attempt. */
  public static final int RELOGIN_BACKOFF_SECONDS = 5;
  private static final Pattern RETURN_CODE = Pattern.compile("CKR_[A-Z0-9_]+");
  private static final List<String> PIN_REFUSALS = List.of("CKR_PIN_INCORRECT", "CKR_PIN_LOCKED",
      "CKR_PIN_EXPIRED", "CKR_PIN_INVALID", "CKR_PIN_LEN_RANGE");

  /**
   * Where the user PIN comes from each time the provider logs in (at open, and again after the token lost the
   * session): read anew every time, never kept; the provider clears the array after the login.
   */
  @FunctionalInterface
  public interface PinSource {
    char[] read();
  }

  private final Pkcs11Config config;
  private final PinSource pin;
  private final long reindexNanos;
  private Session session;
  private long indexedAt;
  private long reloginAllowedAt;
  private String reloginRefusal;
  private boolean pinRefused;
  private int logins = 1;
  private Runnable beforeStore = () -> { };

  /**
   * One login to the token: the JCA provider instance, its key store, and the token it found (slot, label and serial
   * number, where this JVM lets the token list be read: {@link TokenSlots}).
   */
  private record Session(Provider provider, KeyStore token, Optional<TokenSlots.Token> identity) {}

  private Pkcs11KeyProvider(Pkcs11Config config, PinSource pin, Session session, Duration reindexEvery)
      throws GeneralSecurityException {
    super(NAME, "token", new KeyWrap(session.provider(), RandomSource.secure()));
    this.config = config;
    this.pin = pin;
    this.session = session;
    this.reindexNanos = reindexEvery.toNanos();
    tenants.putAll(KekAliases.index(Collections.list(session.token().aliases())));
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
    Session session = login(config, pin, Optional.empty());
    try {
      return new Pkcs11KeyProvider(config, source, session, reindexEvery);
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot list the keys in the token", e);
    }
  }

  /**
   * Finds the token and logs in to it. {@code same}: the token an earlier login found; the token found now must be
   * it (its serial number and label), else nothing is logged in to.
   */
  private static Session login(Pkcs11Config config, char[] pin, Optional<TokenSlots.Token> same) {
    Optional<TokenSlots.Token> found = identify(config);
    if (same.isPresent() && !(found.isPresent() && found.get().label().equals(same.get().label())
        && found.get().serial().equals(same.get().serial()))) { // its slot may differ: put back in another reader
      throw new CryptoException.ProviderUnavailable("the token now found for " + config.selection()
          + " is not the one this process logged in to (" + same.get() + "): "
          + found.map(TokenSlots.Token::toString).orElse("none"));
    }
    long slot = found.map(TokenSlots.Token::slot).orElse(config.slot());
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure(config.sunPkcs11Config(slot));
    } catch (RuntimeException e) {
      throw new CryptoException.ProviderUnavailable("cannot load PKCS#11 module "
          + config.library() + " slot " + slot + ": " + e.getMessage(), e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS11", provider);
      ks.load(null, pin);
      return new Session(provider, ks, found);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new CryptoException.ProviderUnavailable(
          "cannot log in to PKCS#11 token in slot " + slot + ": wrong PIN or token", e);
    }
  }

  /**
   * The token the configuration selects, checked ({@link TokenSlots#select}). A slot with neither label nor serial
   * number configured needs no token list: where it cannot be read, or the slot holds no token, empty (and the login
   * names the module's own refusal, {@code CKR_SLOT_ID_INVALID}).
   */
  private static Optional<TokenSlots.Token> identify(Pkcs11Config config) {
    if (config.byLabel() || !config.tokenSerial().isEmpty()) {
      return Optional.of(TokenSlots.select(config));
    }
    if (!TokenSlots.readable()) {
      return Optional.empty();
    }
    try {
      return Optional.of(TokenSlots.select(config));
    } catch (CryptoException.ProviderUnavailable none) {
      return Optional.empty();
    }
  }

  /** The token this provider is logged in to, where the JVM lets the token list be read. */
  public synchronized Optional<TokenSlots.Token> token() {
    return session.identity();
  }

  /** How many times this provider has logged in to the token: 1, and one more each time it logged in again. */
  synchronized int logins() {
    return logins;
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
    KeyStore token = session.token();
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
      ((AuthProvider) session.provider()).logout();
    } catch (LoginException e) {
      // The session may already be gone with the token; nothing is left to protect.
    }
  }

  @Override
  public String toString() {
    return "Pkcs11KeyProvider[" + session.provider().getName() + "]";
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
   * cannot be read because the session or its login is gone is logged in to again first ({@link #relogin}).
   */
  private void reindexNow() {
    ensureOpen();
    Map<String, TenantKeys> index;
    try {
      index = readIndex();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof CryptoException ce) {
        throw ce;
      }
      relogin(e);
      try {
        index = readIndex();
      } catch (IOException | GeneralSecurityException | RuntimeException again) {
        throw new CryptoException.ProviderUnavailable("cannot list the keys in the token", again);
      }
    }
    reindex(index);
    indexedAt = System.nanoTime();
  }

  private Map<String, TenantKeys> readIndex() throws IOException, GeneralSecurityException {
    session.token().load(null, null);
    return KekAliases.index(Collections.list(session.token().aliases()));
  }

  /**
   * Logs in to the token again after {@code lost} (reading the token failed: its session or login is gone), with the
   * PIN read anew, and uses the new login from now on; the new one is made whole before it replaces the old one,
   * which is dropped without a logout (login state is per process and token: a logout would end the new one too).
   * Refused at once where this provider has no PIN source or never identified its token (the PIN goes to no token not
   * checked to be the same), within {@value #RELOGIN_BACKOFF_SECONDS} s of a failed
   * attempt, and for good once the token refused the PIN.
   */
  private void relogin(Exception lost) {
    if (pin == null) {
      throw new CryptoException.ProviderUnavailable("cannot list the keys in the token, and this provider was "
          + "opened without a PIN source to log in again", lost);
    }
    if (session.identity().isEmpty()) { // review26a L1: nothing to check the token now in the slot against
      throw new CryptoException.ProviderUnavailable("the token lost this process's session, and it is not logged in "
          + "to again: the token list could not be read when this process first logged in (start the JVM with "
          + TokenSlots.EXPORT_OPTION + ", as the gateway's jar does), so the token now in slot " + config.slot()
          + " cannot be checked to be the same one; restart the gateway", lost);
    }
    if (pinRefused || System.nanoTime() - reloginAllowedAt < 0) {
      throw new CryptoException.ProviderUnavailable("the token lost this process's session, and logging in again "
          + "failed: " + reloginRefusal + (pinRefused ? " (not tried again: the token's wrong-PIN limit; correct the "
          + "PIN and restart)" : ""), lost);
    }
    char[] secret = null;
    try {
      secret = pin.read();
      Session fresh = login(config, secret, session.identity());
      replaceKeyWrap(new KeyWrap(fresh.provider(), RandomSource.secure()));
      session = fresh;
      logins++;
    } catch (RuntimeException e) {
      reloginRefusal = e.getMessage() + returnCode(e).map(c -> " (" + c + ")").orElse("");
      pinRefused = returnCode(e).filter(PIN_REFUSALS::contains).isPresent();
      reloginAllowedAt = System.nanoTime() + Duration.ofSeconds(RELOGIN_BACKOFF_SECONDS).toNanos();
      throw e instanceof CryptoException ce ? ce
          : new CryptoException.ProviderUnavailable("cannot log in to the token again", e);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
  }

  /** The PKCS#11 return code ({@code CKR_...}) somewhere in the cause chain, e.g. {@code CKR_PIN_INCORRECT}. */
  public static Optional<String> returnCode(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Matcher m = RETURN_CODE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
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
      KeyStore token = session.token();
      KeyGenerator g = KeyGenerator.getInstance("AES", session.provider());
      g.init(bits);
      SecretKey sessionKey = g.generateKey();
      beforeStore.run();
      token.load(null, null);
      if (token.containsAlias(alias)) {
        return (SecretKey) token.getKey(alias, null); // made elsewhere since our index was read: adopt it
      }
      token.setEntry(alias, new KeyStore.SecretKeyEntry(sessionKey), null);
      return (SecretKey) token.getKey(alias, null);
    } catch (IOException | GeneralSecurityException | ProviderException e) {
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
      h = (SecretKey) session.token().getKey(KekAliases.kek(kek), null);
    } catch (GeneralSecurityException | ProviderException e) { // ProviderException: SunPKCS11's removed token
      throw new CryptoException.ProviderUnavailable("cannot find KEK " + kek + " in the token", e);
    }
    if (h == null) {
      throw new CryptoException.KeyNotFound("no KEK " + kek + " in this token");
    }
    return h;
  }
}
