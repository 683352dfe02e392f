package io.vaultgate.crypto.format;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes and parses the fixed {@value EnvelopeFormat#HEADER_SIZE}-byte envelope header.
 *
 * <pre>
 * offset size  field
 *      0    4  magic "VGEF"
 *      4    1  format version (1)
 *      5    1  suite id (1 = AES-256-GCM segments, HKDF-SHA256, HMAC-SHA256)
 *      6    4  segment size in plaintext bytes, u32 big-endian, power of two in [4 KiB, 1 MiB]
 *     10    1  tenant id length t (1..64)
 *     11   64  tenant id, ASCII, zero-padded after t bytes
 *     75    1  file id length f (1..64)
 *     76   64  file id, ASCII, zero-padded after f bytes
 *    140   32  salt (random per file)
 *    172   32  key commitment
 *    204   32  header MAC: HMAC-SHA256(header MAC key, bytes 0..203)
 *    236       end
 * </pre>
 *
 * <p>Parsing rejects an unknown magic, version or suite with {@link
 * CryptoException.UnsupportedFormat}; any other malformed field is an {@link
 * CryptoException.AuthenticationFailed}, as a forged header would be.
 */
public final class EnvelopeHeaderCodec {
  /** Offset of the header MAC; the MAC covers every byte before it. */
  public static final int MAC_OFFSET = 204;

  static final int VERSION_OFFSET = 4;
  static final int SUITE_OFFSET = 5;
  static final int SEGMENT_SIZE_OFFSET = 6;
  static final int TENANT_OFFSET = 10;
  static final int FILE_OFFSET = 75;
  static final int SALT_OFFSET = 140;
  static final int COMMITMENT_OFFSET = 172;
  private static final int ID_FIELD = 1 + EnvelopeContext.MAX_ID_LENGTH;

  private EnvelopeHeaderCodec() {}

  /** The bytes covered by the MAC: everything but the MAC itself. */
  public static byte[] authenticatedPrefix(
      int segmentSize, EnvelopeContext ctx, byte[] salt, byte[] keyCommitment) {
    EnvelopeFormat.checkSegmentSize(segmentSize);
    requireLength("salt", salt, EnvelopeHeader.SALT_SIZE);
    requireLength("keyCommitment", keyCommitment, EnvelopeHeader.COMMITMENT_SIZE);
    ByteBuffer b = ByteBuffer.allocate(MAC_OFFSET);
    b.put(EnvelopeFormat.MAGIC);
    b.put((byte) EnvelopeFormat.VERSION);
    b.put((byte) EnvelopeFormat.SUITE_AES256_GCM_HKDF_SHA256);
    b.putInt(segmentSize);
    putId(b, ctx.tenantId());
    putId(b, ctx.fileId());
    b.put(salt);
    b.put(keyCommitment);
    return b.array();
  }

  private static void requireLength(String name, byte[] value, int size) {
    if (value.length != size) {
      throw new IllegalArgumentException(name + " must be " + size + " bytes, was " + value.length);
    }
  }

  /** Encodes a complete header. */
  public static byte[] encode(EnvelopeHeader h) {
    return withMac(
        authenticatedPrefix(h.segmentSize(), h.context(), h.salt(), h.keyCommitment()), h.mac());
  }

  /** A complete header: an {@link #authenticatedPrefix} followed by its MAC. */
  public static byte[] withMac(byte[] authenticatedPrefix, byte[] mac) {
    if (authenticatedPrefix.length != MAC_OFFSET || mac.length != EnvelopeHeader.MAC_SIZE) {
      throw new IllegalArgumentException("a header is a " + MAC_OFFSET + "-byte prefix and a "
          + EnvelopeHeader.MAC_SIZE + "-byte MAC");
    }
    byte[] out = Arrays.copyOf(authenticatedPrefix, EnvelopeFormat.HEADER_SIZE);
    System.arraycopy(mac, 0, out, MAC_OFFSET, EnvelopeHeader.MAC_SIZE);
    return out;
  }

  /** Parses a header; does not check the commitment or MAC. */
  public static EnvelopeHeader decode(byte[] bytes) {
    if (bytes.length != EnvelopeFormat.HEADER_SIZE) {
      throw new CryptoException.AuthenticationFailed();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[EnvelopeFormat.MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, EnvelopeFormat.MAGIC)) {
      throw new CryptoException.UnsupportedFormat("not a Vaultgate envelope (bad magic)");
    }
    int version = b.get() & 0xff;
    if (version != EnvelopeFormat.VERSION) {
      throw new CryptoException.UnsupportedFormat("unsupported envelope version " + version);
    }
    int suite = b.get() & 0xff;
    if (suite != EnvelopeFormat.SUITE_AES256_GCM_HKDF_SHA256) {
      throw new CryptoException.UnsupportedFormat("unsupported envelope suite " + suite);
    }
    int segmentSize = b.getInt();
    if (!EnvelopeFormat.isValidSegmentSize(segmentSize)) {
      throw new CryptoException.AuthenticationFailed();
    }
    String tenant = getId(b);
    String file = getId(b);
    byte[] salt = new byte[EnvelopeHeader.SALT_SIZE];
    byte[] commitment = new byte[EnvelopeHeader.COMMITMENT_SIZE];
    byte[] mac = new byte[EnvelopeHeader.MAC_SIZE];
    b.get(salt).get(commitment).get(mac);
    EnvelopeContext ctx;
    try {
      ctx = new EnvelopeContext(tenant, file);
    } catch (IllegalArgumentException e) {
      throw new CryptoException.AuthenticationFailed();
    }
    return new EnvelopeHeader(suite, segmentSize, ctx, salt, commitment, mac);
  }

  private static void putId(ByteBuffer b, String id) {
    byte[] ascii = id.getBytes(StandardCharsets.US_ASCII);
    b.put((byte) ascii.length);
    b.put(ascii);
    b.position(b.position() + EnvelopeContext.MAX_ID_LENGTH - ascii.length);
  }

  private static String getId(ByteBuffer b) {
    int start = b.position();
    int length = b.get() & 0xff;
    if (length < 1 || length > EnvelopeContext.MAX_ID_LENGTH) {
      throw new CryptoException.AuthenticationFailed();
    }
    byte[] field = new byte[EnvelopeContext.MAX_ID_LENGTH];
    b.get(field);
    for (int i = length; i < field.length; i++) {
      if (field[i] != 0) {
        throw new CryptoException.AuthenticationFailed();
      }
    }
    assert b.position() == start + ID_FIELD;
    return new String(field, 0, length, StandardCharsets.US_ASCII);
  }
}
