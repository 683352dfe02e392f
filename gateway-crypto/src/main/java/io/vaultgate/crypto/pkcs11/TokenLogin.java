package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import javax.security.auth.login.LoginException;

/**
 * This process's login to the token ({@link TokenSession}), kept for {@link Pkcs11KeyProvider}: the token is selected
 * by label or slot and checked by serial number ({@link TokenSlots#select}). A token that loses this process's session
 * or login (an HSM restart, a token removed and put back, a network HSM failing over) is logged in to again by the
 * next use that meets it ({@link #relogin}), when a {@link Pkcs11KeyProvider.PinSource} was given: the same token
 * (found again, its label and serial number unchanged), a new JCA provider instance made whole before it replaces the
 * old one. After a failed attempt every use fails at once for {@value Pkcs11KeyProvider#RELOGIN_BACKOFF_SECONDS} s,
 * and a token that refused the PIN is not tried again (its wrong-PIN limit).
 *
 * <p>Not thread-safe: its provider's lock guards it.
 */
final class TokenLogin {

  private static final Duration BACKOFF = Duration.ofSeconds(Pkcs11KeyProvider.RELOGIN_BACKOFF_SECONDS);

  private final Pkcs11Config config;
  /** Null: this login cannot be made again. */
  private final Pkcs11KeyProvider.PinSource pin;
  private TokenSession session;
  private long reloginAllowedAt;
  private String reloginRefusal;
  private boolean pinRefused;
  private int logins = 1;

  private TokenLogin(Pkcs11Config config, Pkcs11KeyProvider.PinSource pin, TokenSession session) {
    this.config = config;
    this.pin = pin;
    this.session = session;
  }

  /**
   * Loads the PKCS#11 module, selects the token and logs in with {@code first}, which stays the caller's; {@code pin}
   * is read for every later login, and none is made without it (null).
   *
   * @throws CryptoException.ProviderUnavailable if the module, token or PIN is wrong
   */
  static TokenLogin open(Pkcs11Config config, Pkcs11KeyProvider.PinSource pin, char[] first) {
    return new TokenLogin(config, pin, login(config, first, Optional.empty()));
  }

  /** The login in use now. */
  TokenSession session() {
    return session;
  }

  /** How many times this process has logged in to the token: 1, and one more each time it logged in again. */
  int logins() {
    return logins;
  }

  /**
   * Logs in to the token again after {@code lost} (reading the token failed: its session or login is gone), with the
   * PIN read anew, and uses the new login from now on; the new one is made whole ({@code adopt} runs with it: the
   * caller's keys move to its provider) before it replaces the old one, which is dropped without a logout (login
   * state is per process and token: a logout would end the new one too). Refused at once where this login has no PIN
   * source or never identified its token (the PIN goes to no token not checked to be the same), within
   * {@value Pkcs11KeyProvider#RELOGIN_BACKOFF_SECONDS} s of a failed attempt, and for good once the token refused the
   * PIN.
   *
   * @throws CryptoException.ProviderUnavailable naming why no login was made
   */
  void relogin(Exception lost, Consumer<TokenSession> adopt) {
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
      TokenSession fresh = login(config, secret, session.identity());
      adopt.accept(fresh);
      session = fresh;
      logins++;
    } catch (RuntimeException e) {
      reloginRefusal = e.getMessage() + ReturnCodes.in(e).map(c -> " (" + c + ")").orElse("");
      pinRefused = ReturnCodes.pinRefused(e);
      reloginAllowedAt = System.nanoTime() + BACKOFF.toNanos();
      throw e instanceof CryptoException ce ? ce
          : new CryptoException.ProviderUnavailable("cannot log in to the token again", e);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
  }

  /** Logs out of the token; a session already gone with the token is nothing to end. */
  void logout() {
    try {
      ((AuthProvider) session.provider()).logout();
    } catch (LoginException e) {
      // The session may already be gone with the token; nothing is left to protect.
    }
  }

  /**
   * Finds the token and logs in to it. {@code same}: the token an earlier login found; the token found now must be
   * it (its serial number and label), else nothing is logged in to.
   */
  private static TokenSession login(Pkcs11Config config, char[] pin, Optional<TokenSlots.Token> same) {
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
      return new TokenSession(provider, ks, found);
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
}
