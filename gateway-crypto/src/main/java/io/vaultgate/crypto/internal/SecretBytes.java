package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.InsecureKeyAccess;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * Secret bytes held by a key object: copied out only through {@link InsecureKeyAccess}, compared in constant
 * time, zeroed by {@link #destroy()}. The one implementation behind {@code DataKey} and {@code MasterSecret}.
 * Thread-safe.
 */
public final class SecretBytes implements Destroyable {

  private final byte[] bytes;
  private final String what;
  private volatile boolean destroyed;

  /**
   * Takes ownership of {@code bytes} (not copied).
   *
   * @param what names the secret in the {@link CryptoException.KeyDestroyed} message
   */
  public SecretBytes(byte[] bytes, String what) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    this.what = Objects.requireNonNull(what, "what");
  }

  /**
   * A copy of the bytes; the caller zeroes it when done.
   *
   * @throws CryptoException.KeyDestroyed once {@link #destroy()} was called
   */
  public byte[] copy(InsecureKeyAccess access) {
    Objects.requireNonNull(access, "access");
    synchronized (bytes) {
      if (destroyed) {
        throw new CryptoException.KeyDestroyed(what + " has been destroyed");
      }
      return bytes.clone();
    }
  }

  /** Zeroes the bytes. Idempotent. */
  @Override
  public void destroy() {
    synchronized (bytes) {
      Arrays.fill(bytes, (byte) 0);
      destroyed = true;
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** Constant-time comparison; destroyed secrets equal nothing. */
  public boolean sameAs(SecretBytes other) {
    return !destroyed && !other.destroyed && MessageDigest.isEqual(bytes, other.bytes);
  }
}
