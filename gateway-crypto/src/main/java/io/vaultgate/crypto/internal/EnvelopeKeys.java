package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.format.EnvelopeHeader;
import io.vaultgate.crypto.format.EnvelopeHeaderCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The per-file key schedule of envelope version 1.
 *
 * <pre>
 * PRK        = HKDF-Extract(salt, DEK)
 * info(L)    = "vaultgate/envelope/v1/" || L || 0x00 || u8 len || tenant id || u8 len || file id
 * payloadKey = HKDF-Expand(PRK, info("payload-key"), 32)     AES-256-GCM key of every segment
 * macKey     = HKDF-Expand(PRK, info("header-mac-key"), 32)  HMAC-SHA256 key of the header
 * commitment = HKDF-Expand(PRK, info("key-commitment"), 32)  stored in the header
 * </pre>
 *
 * <p>The commitment pins the ciphertext to one DEK: GCM alone is not key-committing, so without it a
 * crafted file could decrypt under two different keys. Holds secret bytes: call {@link #destroy()}.
 * One HMAC instance serves the derivation and the header's MAC, re-keyed for each (a look-up of an
 * instance per step cost more than the steps); {@link #destroy()} re-keys it with zeros. Not
 * thread-safe.
 */
public final class EnvelopeKeys {
  private static final String LABEL_PREFIX = "vaultgate/envelope/v1/";

  private final byte[] payloadKey;
  private final byte[] macKey;
  private final byte[] commitment;
  private final Mac hmac;

  private EnvelopeKeys(byte[] payloadKey, byte[] macKey, byte[] commitment, Mac hmac) {
    this.payloadKey = payloadKey;
    this.macKey = macKey;
    this.commitment = commitment;
    this.hmac = hmac;
  }

  /** Derives the keys of one file. */
  public static EnvelopeKeys derive(DataKey dek, EnvelopeContext ctx, byte[] salt) {
    Mac hmac = Hkdf.newHmac();
    byte[] ikm = dek.toByteArray(InsecureKeyAccess.get());
    byte[] prk = Hkdf.extract(hmac, salt, ikm);
    Arrays.fill(ikm, (byte) 0);
    try {
      return new EnvelopeKeys(
          Hkdf.expand(hmac, prk, info("payload-key", ctx), 32),
          Hkdf.expand(hmac, prk, info("header-mac-key", ctx), 32),
          Hkdf.expand(hmac, prk, info("key-commitment", ctx), 32),
          hmac);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  private static byte[] info(String label, EnvelopeContext ctx) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((LABEL_PREFIX + label).getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    Ascii.putPrefixed(out, ctx.tenantId());
    Ascii.putPrefixed(out, ctx.fileId());
    return out.toByteArray();
  }

  /** A copy of the AES-256 payload key; the caller zeroes it. */
  public byte[] payloadKey() {
    return payloadKey.clone();
  }

  /**
   * Builds and MACs a header for a new file: its bytes, as {@link EnvelopeHeaderCodec#encode} writes
   * them (the MAC after the prefix it covers), without building the parsed form.
   */
  public byte[] sealHeader(int segmentSize, EnvelopeContext ctx, byte[] salt) {
    byte[] prefix = EnvelopeHeaderCodec.authenticatedPrefix(segmentSize, ctx, salt, commitment);
    byte[] mac = Hkdf.hmac(hmac, macKey, prefix);
    return EnvelopeHeaderCodec.withMac(prefix, mac);
  }

  /**
   * Checks a parsed header's commitment and MAC in constant time.
   *
   * @throws CryptoException.AuthenticationFailed if either is wrong
   */
  public void verifyHeader(EnvelopeHeader h) {
    byte[] prefix = EnvelopeHeaderCodec.authenticatedPrefix(
        h.segmentSize(), h.context(), h.salt(), h.keyCommitment());
    boolean commitmentOk = MessageDigest.isEqual(commitment, h.keyCommitment());
    boolean macOk = MessageDigest.isEqual(Hkdf.hmac(hmac, macKey, prefix), h.mac());
    if (!(commitmentOk & macOk)) {
      throw new CryptoException.AuthenticationFailed();
    }
  }

  /** Zeroes every derived key, and re-keys the HMAC instance with zeros so it holds none of them. */
  public void destroy() {
    Arrays.fill(payloadKey, (byte) 0);
    Arrays.fill(macKey, (byte) 0);
    Arrays.fill(commitment, (byte) 0);
    Hkdf.hmac(hmac, new byte[32], new byte[0]);
  }

  @Override
  public String toString() {
    return "EnvelopeKeys[redacted]";
  }
}
