package io.vaultgate.crypto;

import io.vaultgate.crypto.internal.SecretBytes;
import java.security.SecureRandom;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A per-file data encryption key (DEK): 32 random bytes, stored only wrapped by a tenant KEK.
 *
 * <p>Not a record on purpose: {@link #toString()} is redacted, {@link #equals} compares in constant
 * time, and {@link #destroy()} zeroes the bytes. Raw bytes are reachable only through {@link
 * #toByteArray(InsecureKeyAccess)}. Thread-safe.
 */
public final class DataKey implements Destroyable {
  /** Size of a data key in bytes. */
  public static final int SIZE = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretBytes secret;

  private DataKey(byte[] bytes) {
    this.secret = new SecretBytes(bytes, "data key");
  }

  /** Generates a fresh key from a {@link SecureRandom}. */
  public static DataKey generate() {
    byte[] b = new byte[SIZE];
    RANDOM.nextBytes(b);
    return new DataKey(b);
  }

  /** Imports key bytes (copied); used by key providers after unwrapping. */
  public static DataKey fromBytes(byte[] keyBytes, InsecureKeyAccess access) {
    Objects.requireNonNull(access, "access");
    if (keyBytes == null || keyBytes.length != SIZE) {
      throw new IllegalArgumentException("a data key is exactly " + SIZE + " bytes");
    }
    return new DataKey(keyBytes.clone());
  }

  /**
   * Returns a copy of the key bytes; the caller must zero it when done.
   *
   * @throws CryptoException.KeyDestroyed if {@link #destroy()} was called
   */
  public byte[] toByteArray(InsecureKeyAccess access) {
    return secret.copy(access);
  }

  /** Zeroes the key bytes. Idempotent. */
  @Override
  public void destroy() {
    secret.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return secret.isDestroyed();
  }

  /** Constant-time comparison of the key bytes. Destroyed keys equal nothing but themselves. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof DataKey other && secret.sameAs(other.secret);
  }

  /** Constant, so that hashing never depends on (or leaks) key bytes. */
  @Override
  public int hashCode() {
    return DataKey.class.hashCode();
  }

  @Override
  public String toString() {
    return isDestroyed() ? "DataKey[destroyed]" : "DataKey[redacted]";
  }
}
