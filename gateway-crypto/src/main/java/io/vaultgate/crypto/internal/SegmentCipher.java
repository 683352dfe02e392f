package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens single envelope segments with the JDK's AES-256-GCM.
 *
 * <p>Sealed segment: {@code nonce (12) || ciphertext || tag (16)}. Associated data:
 *
 * <pre>
 * u8 file id length || file id (ASCII) || u64 segment index (big-endian) || u8 final flag (0 or 1)
 * </pre>
 *
 * <p>Every seal draws a fresh random nonce (the JDK refuses to re-use a key and IV on one cipher
 * anyway, and re-inits per segment). Not thread-safe: one instance per stream.
 */
public final class SegmentCipher {
  private static final int TAG_BITS = EnvelopeFormat.TAG_SIZE * 8;

  private final SecretKeySpec key;
  private final Cipher cipher;
  private final RandomSource random;
  private final byte[] ad;
  private final int indexOffset;
  private final byte[] nonce = new byte[EnvelopeFormat.NONCE_SIZE];

  public SegmentCipher(byte[] payloadKey, EnvelopeContext ctx, RandomSource random) {
    this.key = new SecretKeySpec(payloadKey, "AES");
    this.random = random;
    byte[] file = ctx.fileId().getBytes(StandardCharsets.US_ASCII);
    this.ad = new byte[1 + file.length + 8 + 1];
    ad[0] = (byte) file.length;
    System.arraycopy(file, 0, ad, 1, file.length);
    this.indexOffset = 1 + file.length;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("AES/GCM/NoPadding unavailable", e);
    }
  }

  /**
   * Seals {@code len} plaintext bytes as segment {@code index}; writes {@code len + 28} bytes to
   * {@code out} at {@code outOff} and returns that count.
   */
  public int seal(long index, boolean last, byte[] pt, int ptOff, int len, byte[] out, int outOff) {
    checkIndex(index);
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, outOff, nonce.length);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(index, last));
      int n = cipher.doFinal(pt, ptOff, len, out, outOff + nonce.length);
      return nonce.length + n;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM seal failed", e);
    }
  }

  /**
   * Starts sealing segment {@code index} incrementally, as not final: draws a fresh nonce, writes it
   * to {@code out} at {@code outOff} and returns its length. Feed plaintext with {@link #update},
   * end with {@link #finish}. Lets a streaming writer encrypt straight from the caller's buffers.
   */
  public int begin(long index, byte[] out, int outOff) {
    checkIndex(index);
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, outOff, nonce.length);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(index, false));
      return nonce.length;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM init failed", e);
    }
  }

  /** Encrypts more plaintext of the segment begun last; returns the ciphertext bytes written. */
  public int update(ByteBuffer plaintext, byte[] out, int outOff) {
    try {
      if (plaintext.hasArray()) {
        int n = plaintext.remaining();
        int written = cipher.update(
            plaintext.array(), plaintext.arrayOffset() + plaintext.position(), n, out, outOff);
        plaintext.position(plaintext.limit());
        return written;
      }
      return cipher.update(plaintext, ByteBuffer.wrap(out, outOff, out.length - outOff));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM update failed", e);
    }
  }

  /** Encrypts {@code len} more plaintext bytes of the segment begun last; returns bytes written. */
  public int update(byte[] in, int inOff, int len, byte[] out, int outOff) {
    try {
      return cipher.update(in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM update failed", e);
    }
  }

  /** Completes the segment begun last (as not final); returns the bytes written (rest and tag). */
  public int finish(byte[] out, int outOff) {
    try {
      return cipher.doFinal(out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM seal failed", e);
    }
  }

  /**
   * Opens sealed segment {@code index} of {@code ctLen} bytes; writes the plaintext to {@code out}
   * and returns its length. Nothing is written unless the tag verifies.
   *
   * @throws CryptoException.AuthenticationFailed if the segment does not authenticate
   */
  public int open(long index, boolean last, byte[] ct, int ctOff, int ctLen, byte[] out, int outOff) {
    checkIndex(index);
    if (ctLen < EnvelopeFormat.SEGMENT_OVERHEAD) {
      throw new CryptoException.AuthenticationFailed();
    }
    try {
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, ct, ctOff, EnvelopeFormat.NONCE_SIZE));
      cipher.updateAAD(associatedData(index, last));
      return cipher.doFinal(
          ct, ctOff + EnvelopeFormat.NONCE_SIZE, ctLen - EnvelopeFormat.NONCE_SIZE, out, outOff);
    } catch (AEADBadTagException e) {
      throw new CryptoException.AuthenticationFailed();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM open failed", e);
    }
  }

  private byte[] associatedData(long index, boolean last) {
    for (int i = 0; i < 8; i++) {
      ad[indexOffset + i] = (byte) (index >>> (56 - 8 * i));
    }
    ad[indexOffset + 8] = (byte) (last ? 1 : 0);
    return ad;
  }

  private static void checkIndex(long index) {
    if (index < 0 || index >= EnvelopeFormat.MAX_SEGMENTS) {
      throw new IllegalStateException(
          "segment index " + index + " exceeds the per-key cap of " + EnvelopeFormat.MAX_SEGMENTS);
    }
  }
}
