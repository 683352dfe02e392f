package io.vaultgate.crypto.internal;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869) on the JDK's HMAC. The overloads that take a {@link Mac} (from {@link #newHmac()})
 * re-key that one instance for each step, for a caller that derives several keys at once: a {@code
 * Mac.getInstance} is a provider look-up, several times the cost of an HMAC of a few bytes.
 */
public final class Hkdf {
  private static final int HASH_LEN = 32;

  private Hkdf() {}

  /** HKDF-Extract: a pseudorandom key from input keying material and a salt. */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    return extract(newHmac(), salt, ikm);
  }

  /** {@link #extract(byte[], byte[])} on {@code mac}, which it re-keys. */
  public static byte[] extract(Mac mac, byte[] salt, byte[] ikm) {
    return hmac(mac, salt.length == 0 ? new byte[HASH_LEN] : salt, ikm);
  }

  /** A new HMAC-SHA256 instance, for the overloads that take one. Not thread-safe. */
  public static Mac newHmac() {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** HKDF-Expand: {@code length} bytes of output keying material for one {@code info}. */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    return expand(newHmac(), prk, info, length);
  }

  /** {@link #expand(byte[], byte[], int)} on {@code mac}, which it re-keys. */
  public static byte[] expand(Mac mac, byte[] prk, byte[] info, int length) {
    if (length < 1 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF output length out of range: " + length);
    }
    try {
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] t = new byte[0];
      int done = 0;
      for (int i = 1; done < length; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, length - done);
        System.arraycopy(t, 0, out, done, n);
        done += n;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused the key", e);
    }
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] data) {
    return hmac(newHmac(), key, data);
  }

  /** {@link #hmac(byte[], byte[])} on {@code mac}, which it re-keys. */
  public static byte[] hmac(Mac mac, byte[] key, byte[] data) {
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused the key", e);
    }
  }
}
