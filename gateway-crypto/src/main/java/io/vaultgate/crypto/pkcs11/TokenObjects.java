package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.TenantKeys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.ProviderException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The key objects in the token, through the login in use ({@link TokenLogin#session}): their labels read (anew, as
 * other processes sharing the token change them), non-extractable AES keys created and looked up, objects deleted.
 * Labels are as {@link KekAliases} describes. Not thread-safe: its provider's lock guards it.
 */
final class TokenObjects {

  private final TokenLogin login;
  private Runnable beforeStore = () -> { };

  TokenObjects(TokenLogin login) {
    this.login = login;
  }

  /** The labels of the token's objects as this login last read them. */
  List<String> labels() throws GeneralSecurityException {
    return Collections.list(login.session().token().aliases());
  }

  /** Re-reads the labels of the token's objects (the session stays logged in) and indexes the KEK versions. */
  Map<String, TenantKeys> index() throws IOException, GeneralSecurityException {
    KeyStore token = login.session().token();
    token.load(null, null);
    return KekAliases.index(Collections.list(token.aliases()));
  }

  /** Whether an object is labelled {@code label}. */
  boolean contains(String label) throws GeneralSecurityException {
    return login.session().token().containsAlias(label);
  }

  /** Deletes the object labelled {@code label}. */
  void delete(String label) throws GeneralSecurityException {
    login.session().token().deleteEntry(label);
  }

  /**
   * Generates a non-extractable AES key in the token and stores it as a token object, unless another process
   * stored one under that label meanwhile: then that one is used. SunPKCS11's {@code setEntry} deletes any
   * object with the label before it creates its own, so storing blindly would destroy a KEK another process
   * made an instant ago and may already have wrapped data keys with (they would never unwrap again). The
   * token is re-read right before the store, which leaves only the store's own instant open: PKCS#11 has no
   * atomic create-if-absent.
   */
  SecretKey storeNew(String alias, int bits) {
    try {
      TokenSession session = login.session();
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

  /** The handle of the KEK {@code kek} in the token. */
  SecretKey loadKek(KekId kek) {
    SecretKey h;
    try {
      h = (SecretKey) login.session().token().getKey(KekAliases.kek(kek), null);
    } catch (GeneralSecurityException | ProviderException e) { // ProviderException: SunPKCS11's removed token
      throw new CryptoException.ProviderUnavailable("cannot find KEK " + kek + " in the token", e);
    }
    if (h == null) {
      throw new CryptoException.KeyNotFound("no KEK " + kek + " in this token");
    }
    return h;
  }
}
