package io.vaultgate.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A wrapped data key as stored in the catalog: which provider and KEK version wrapped it, and the
 * wrapped bytes. Not secret (the DEK inside is encrypted and authenticated), but the wrap is bound to
 * a tenant and file id, so a slot only unwraps for the {@link EnvelopeContext} it was made for.
 *
 * <p>The array is copied in and out. {@link #toBytes()} gives a self-describing encoding:
 *
 * <pre>
 * u8  encoding version (1)
 * u8  provider name length n, n bytes ASCII provider name
 * u8  tenant id length t, t bytes ASCII tenant id
 * u32 KEK version (big-endian)
 * u16 wrapped length w, w bytes wrapped key
 * </pre>
 */
public record KeySlot(String provider, KekId kek, byte[] wrapped) {
  private static final int ENCODING_VERSION = 1;
  /** Upper bound for wrapped bytes; real wraps are well under 100 bytes. */
  public static final int MAX_WRAPPED_LENGTH = 1024;

  public KeySlot {
    EnvelopeContext.validateId("provider", provider);
    Objects.requireNonNull(kek, "kek");
    Objects.requireNonNull(wrapped, "wrapped");
    if (wrapped.length == 0 || wrapped.length > MAX_WRAPPED_LENGTH) {
      throw new IllegalArgumentException(
          "wrapped key must be 1 to " + MAX_WRAPPED_LENGTH + " bytes, was " + wrapped.length);
    }
    wrapped = wrapped.clone();
  }

  @Override
  public byte[] wrapped() {
    return wrapped.clone();
  }

  /** Encodes the slot as one byte string (see the class javadoc for the layout). */
  public byte[] toBytes() {
    byte[] p = provider.getBytes(StandardCharsets.US_ASCII);
    byte[] t = kek.tenantId().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + p.length + 1 + t.length + 4 + 2 + wrapped.length);
    b.put((byte) ENCODING_VERSION);
    b.put((byte) p.length).put(p);
    b.put((byte) t.length).put(t);
    b.putInt(kek.version());
    b.putShort((short) wrapped.length).put(wrapped);
    return b.array();
  }

  /**
   * Decodes {@link #toBytes()} output.
   *
   * @throws CryptoException.UnsupportedFormat if the bytes are not a valid encoding
   */
  public static KeySlot fromBytes(byte[] encoded) {
    try {
      ByteBuffer b = ByteBuffer.wrap(encoded);
      int version = b.get() & 0xff;
      if (version != ENCODING_VERSION) {
        throw new CryptoException.UnsupportedFormat("unsupported key slot encoding " + version);
      }
      String provider = readAscii(b, b.get() & 0xff);
      String tenant = readAscii(b, b.get() & 0xff);
      int kekVersion = b.getInt();
      int w = b.getShort() & 0xffff;
      if (w != b.remaining()) {
        throw new CryptoException.UnsupportedFormat("key slot encoding has the wrong length");
      }
      byte[] wrapped = new byte[w];
      b.get(wrapped);
      return new KeySlot(provider, new KekId(tenant, kekVersion), wrapped);
    } catch (RuntimeException e) {
      if (e instanceof CryptoException ce) {
        throw ce;
      }
      throw new CryptoException.UnsupportedFormat("malformed key slot encoding");
    }
  }

  private static String readAscii(ByteBuffer b, int length) {
    if (length > b.remaining()) {
      throw new CryptoException.UnsupportedFormat("key slot encoding is truncated");
    }
    byte[] s = new byte[length];
    b.get(s);
    return new String(s, StandardCharsets.US_ASCII);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySlot other
        && provider.equals(other.provider)
        && kek.equals(other.kek)
        && Arrays.equals(wrapped, other.wrapped);
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, kek, Arrays.hashCode(wrapped));
  }

  @Override
  public String toString() {
    return "KeySlot[provider=" + provider + ", kek=" + kek + ", wrapped=" + wrapped.length + " bytes]";
  }
}
