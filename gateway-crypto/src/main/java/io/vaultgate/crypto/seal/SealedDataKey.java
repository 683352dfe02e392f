package io.vaultgate.crypto.seal;

import io.vaultgate.crypto.CryptoException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A file's data key sealed to one site: {@value #SIZE} bytes, sent beside the stored envelope.
 *
 * <pre>
 * offset size
 *      0    1  version (1)
 *      1   32  ephemeral X25519 public key of the gateway, fresh for every seal
 *     33   32  AES-256-GCM ciphertext of the DEK
 *     65   16  GCM tag
 *     81       end
 * </pre>
 *
 * A parse only checks the length and version; whether it opens is decided by {@link DataKeySealer#open}.
 */
public final class SealedDataKey {

  public static final int VERSION = 1;
  public static final int SIZE = 1 + 32 + 32 + 16;

  private final byte[] bytes;

  private SealedDataKey(byte[] bytes) {
    this.bytes = bytes;
  }

  static SealedDataKey of(byte[] ephemeralPublic, byte[] wrapped) {
    byte[] out = new byte[SIZE];
    out[0] = VERSION;
    System.arraycopy(ephemeralPublic, 0, out, 1, 32);
    System.arraycopy(wrapped, 0, out, 33, 48);
    return new SealedDataKey(out);
  }

  /**
   * @throws CryptoException.UnsupportedFormat for another version
   * @throws CryptoException.AuthenticationFailed for any other malformed input
   */
  public static SealedDataKey parse(byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      throw new CryptoException.AuthenticationFailed();
    }
    if (encoded[0] != VERSION) {
      throw new CryptoException.UnsupportedFormat("sealed data key version " + (encoded[0] & 0xff)
          + " is not supported (this build reads version " + VERSION + ")");
    }
    if (encoded.length != SIZE) {
      throw new CryptoException.AuthenticationFailed();
    }
    return new SealedDataKey(encoded.clone());
  }

  /** Parses the base64 form; bad base64 is an {@code AuthenticationFailed} like any malformed key. */
  public static SealedDataKey fromBase64(String text) {
    try {
      return parse(Base64.getDecoder().decode(text.strip()));
    } catch (IllegalArgumentException e) {
      throw new CryptoException.AuthenticationFailed();
    }
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  byte[] ephemeralPublic() {
    return Arrays.copyOfRange(bytes, 1, 33);
  }

  byte[] wrapped() {
    return Arrays.copyOfRange(bytes, 33, SIZE);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SealedDataKey key && Arrays.equals(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SealedDataKey[" + toBase64() + "]";
  }
}
