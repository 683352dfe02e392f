package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.KeyWrap;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.TenantKekProvider;
import io.vaultgate.crypto.internal.TenantKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Tenant KEKs (AES-256) in a PKCS#12 keystore file protected by a {@link MasterSecret} (see {@link
 * KeystoreFile} for the file layout). For a single node with nothing else to install.
 *
 * <p>Entries are named as {@link io.vaultgate.crypto.internal.KekAliases} describes: disabling a
 * version renames its entry; destroying a tenant deletes its KEKs and leaves a marker, so later use
 * fails as destroyed, not as unknown.
 * Every change rewrites the file atomically. Crypto-shredding removes the keys from the current
 * file only: copies of older files (backups, snapshots) still hold them.
 *
 * <p>Several processes may hold the same file open (the gateway and a {@code vaultgate tenant add} beside
 * it): every change runs under {@link KeystoreLock} and re-reads the file first, so none overwrites
 * another's keys, and every use re-reads a file changed since (one {@code stat} per call), so a tenant
 * added by another process can be used at once.
 *
 * <p>Thread-safe (all methods synchronized).
 */
public final class KeystoreKeyProvider extends TenantKekProvider {
  /** Provider name recorded in key slots. */
  public static final String NAME = "keystore";

  private final Path path;
  private KeyStore ks;
  private FileStamp stamp;
  private final RandomSource random = RandomSource.secure();
  private KdfParams params;
  private byte[] salt;
  private char[] password;

  private KeystoreKeyProvider(Path path, KeyStore ks, KdfParams params, byte[] salt, char[] pw) {
    super(NAME, "keystore", new KeyWrap(null, RandomSource.secure()));
    this.path = path;
    this.ks = ks;
    this.params = params;
    this.salt = salt;
    this.password = pw;
    index();
  }

  /** Which version of the file this provider holds: a rewrite renames a new file into place. */
  private record FileStamp(Object fileKey, FileTime modified, long size) {

    static FileStamp of(Path path) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return new FileStamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
      } catch (IOException e) {
        throw new CryptoException.ProviderUnavailable("cannot read keystore " + path, e);
      }
    }
  }

  /** Creates a new, empty keystore file (mode 0600) with the default Argon2id cost. */
  public static KeystoreKeyProvider create(Path path, MasterSecret secret) {
    return create(path, secret, KdfParams.DEFAULT);
  }

  /** Creates a new, empty keystore file (mode 0600) with the given Argon2id cost. */
  public static KeystoreKeyProvider create(Path path, MasterSecret secret, KdfParams params) {
    requireAbsent(path);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      byte[] salt = new byte[KeystoreFile.SALT_SIZE];
      RandomSource.secure().nextBytes(salt);
      KeystoreKeyProvider p = new KeystoreKeyProvider(
          path, ks, params, salt, KeystoreFile.password(secret, params, salt));
      try {
        KeystoreLock.around(path, () -> {
          requireAbsent(path); // again under the lock: another process may have created it meanwhile
          p.persist();
          return null;
        });
      } catch (RuntimeException e) {
        p.close(); // zeroes the derived password
        throw e;
      }
      return p;
    } catch (IOException | GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot create a PKCS#12 keystore", e);
    }
  }

  private static void requireAbsent(Path path) {
    if (Files.exists(path)) {
      throw new CryptoException.ProviderUnavailable(
          "keystore " + path + " already exists; open it instead of creating it");
    }
  }

  /**
   * Opens an existing keystore file.
   *
   * <p>Removes, under the file lock, a copy of the store that a rewrite interrupted by a crash left beside it
   * (see {@link KeystoreFile}), so that keys destroyed later do not live on in it.
   *
   * @throws CryptoException.ProviderUnavailable if the file is missing, not private to its owner,
   *     or the secret is wrong, or such a copy cannot be removed
   */
  public static KeystoreKeyProvider open(Path path, MasterSecret secret) {
    if (KeystoreFile.hasTemporaryCopies(path)) { // a crash during a rewrite: the copy still holds its keys
      KeystoreLock.around(path, () -> {
        KeystoreFile.removeTemporaryCopies(path);
        return null;
      });
    }
    FileStamp stamp = FileStamp.of(path);
    KeystoreFile.Loaded loaded = KeystoreFile.load(path, secret);
    KeystoreKeyProvider provider = new KeystoreKeyProvider(path, loaded.keyStore(), loaded.params(),
        loaded.salt(), KeystoreFile.password(secret, loaded.params(), loaded.salt()));
    provider.stamp = stamp;
    return provider;
  }

  @Override
  protected void refresh() {
    FileStamp now = FileStamp.of(path);
    if (!now.equals(stamp)) {
      ks = KeystoreFile.reload(path, salt, password);
      stamp = now;
      reindex(indexOf(ks));
    }
  }

  /**
   * Runs a change under the file lock. A change that fails may have altered the in-memory store without
   * writing it (the rewrite failed: disk full, read-only); the file is then re-read at the next use, so
   * nothing of the failed change is used or written later.
   */
  private <T> T change(Supplier<T> body) {
    return KeystoreLock.around(path, () -> {
      try {
        return body.get();
      } catch (RuntimeException e) {
        stamp = null;
        throw e;
      }
    });
  }

  @Override
  public synchronized KekId rotate(String tenantId) {
    return change(() -> super.rotate(tenantId));
  }

  @Override
  public synchronized KekId ensureTenant(String tenantId) {
    return change(() -> {
      TenantKeys t = live(tenantId);
      if (t.active() == 0) {
        if (t.highest() > 0) {
          throw new CryptoException.KeyDisabled("every KEK version of tenant " + tenantId
              + " is disabled");
        }
        addVersion(tenantId, t, 1);
      }
      return new KekId(tenantId, t.active());
    });
  }

  @Override
  public synchronized void disable(KekId kek) {
    change(() -> {
      disableLocked(kek);
      return null;
    });
  }

  private void disableLocked(KekId kek) {
    TenantKeys t = live(kek.tenantId());
    if (!t.enabled.contains(kek.version())) {
      throw new CryptoException.KeyNotFound("no enabled KEK " + kek);
    }
    if (t.active() == kek.version()) {
      throw new IllegalStateException("KEK " + kek + " is the active version; rotate first");
    }
    try {
      KeyStore.Entry entry = ks.getEntry(alias(kek, false), protection());
      ks.deleteEntry(alias(kek, false));
      ks.setEntry(alias(kek, true), entry, protection());
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot disable KEK " + kek, e);
    }
    t.enabled.remove(kek.version());
    t.disabled.add(kek.version());
    forget(kek);
    persist();
  }

  @Override
  public synchronized List<KekId> destroyTenant(String tenantId) {
    return change(() -> destroyLocked(tenantId));
  }

  private List<KekId> destroyLocked(String tenantId) {
    TenantKeys t = live(tenantId);
    List<KekId> destroyed = t.versions().stream().map(v -> new KekId(tenantId, v)).toList();
    try {
      for (int v : t.enabled) {
        ks.deleteEntry(alias(new KekId(tenantId, v), false));
      }
      for (int v : t.disabled) {
        ks.deleteEntry(alias(new KekId(tenantId, v), true));
      }
      ks.setEntry(tombAlias(tenantId), new KeyStore.SecretKeyEntry(newAesKey()), protection());
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot destroy KEKs of " + tenantId, e);
    }
    forgetTenant(tenantId);
    t.enabled.clear();
    t.disabled.clear();
    t.destroyed = true;
    persist();
    return destroyed;
  }

  /**
   * Re-protects the keystore under a new master secret (fresh Argon2id salt), atomically: the file
   * opens with either the old or the new secret, never neither.
   */
  public synchronized void rotateMasterSecret(MasterSecret newSecret) {
    change(() -> {
      rotateMasterSecretLocked(newSecret);
      return null;
    });
  }

  private void rotateMasterSecretLocked(MasterSecret newSecret) {
    ensureOpen();
    refresh();
    byte[] newSalt = new byte[KeystoreFile.SALT_SIZE];
    random.nextBytes(newSalt);
    char[] newPassword = KeystoreFile.password(newSecret, params, newSalt);
    try {
      KeyStore.PasswordProtection oldP = protection();
      KeyStore.PasswordProtection newP = new KeyStore.PasswordProtection(newPassword);
      for (String alias : Collections.list(ks.aliases())) {
        ks.setEntry(alias, ks.getEntry(alias, oldP), newP);
      }
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot re-protect keystore entries", e);
    }
    KeystoreFile.store(path, params, newSalt, ks, newPassword);
    stamp = FileStamp.of(path);
    Arrays.fill(password, '\0');
    password = newPassword;
    salt = newSalt;
  }

  @Override
  public synchronized void close() {
    if (markClosed()) {
      Arrays.fill(password, '\0');
    }
  }

  @Override
  public String toString() {
    return "KeystoreKeyProvider[" + path + "]";
  }

  @Override
  protected SecretKey storeNewKek(KekId kek) {
    try {
      SecretKey key = newAesKey();
      ks.setEntry(alias(kek, false), new KeyStore.SecretKeyEntry(key), protection());
      persist();
      return key;
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot create KEK " + kek, e);
    }
  }

  @Override
  protected SecretKey loadKek(KekId kek) {
    try {
      SecretKey key = (SecretKey) ks.getKey(alias(kek, false), password);
      if (key == null) {
        throw new CryptoException.KeyNotFound("no KEK " + kek + " in this keystore");
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("cannot read KEK " + kek, e);
    }
  }

  private void index() {
    tenants.putAll(indexOf(ks));
  }

  private Map<String, TenantKeys> indexOf(KeyStore store) {
    try {
      return KekAliases.index(Collections.list(store.aliases()));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CryptoException.ProviderUnavailable("keystore " + path + " has unexpected entries");
    }
  }

  private static String alias(KekId kek, boolean disabled) {
    return disabled ? KekAliases.disabled(kek) : KekAliases.kek(kek);
  }

  private static String tombAlias(String tenantId) {
    return KekAliases.tomb(tenantId);
  }

  private static SecretKey newAesKey() throws GeneralSecurityException {
    KeyGenerator g = KeyGenerator.getInstance("AES");
    g.init(256);
    return g.generateKey();
  }

  private KeyStore.PasswordProtection protection() {
    return new KeyStore.PasswordProtection(password);
  }

  private void persist() {
    KeystoreFile.store(path, params, salt, ks, password);
    stamp = FileStamp.of(path);
  }
}
