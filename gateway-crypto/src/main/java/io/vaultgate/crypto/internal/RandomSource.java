package io.vaultgate.crypto.internal;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Where salts and nonces come from. Production code uses {@link #secure()}; tests substitute a
 * deterministic source to produce known-answer vectors, or a recording one to prove nonces never
 * repeat. Never exposed through a public factory of a writer.
 */
@FunctionalInterface
public interface RandomSource {
  /** Fills {@code out} with random bytes. */
  void nextBytes(byte[] out);

  /**
   * A source backed by the platform's {@link SecureRandom}, fetched 4 KiB at a time: a nonce per
   * 64 KiB segment is then a copy, not a call into the entropy pool (which costs as much as
   * encrypting a few KiB). Nonces and salts are public values, so holding them briefly in memory
   * before use exposes nothing. Thread-safe.
   */
  static RandomSource secure() {
    return new BufferedSecureRandom(new SecureRandom());
  }

  /** Serves bytes from a buffer refilled from a {@link SecureRandom}; each byte is served once. */
  final class BufferedSecureRandom implements RandomSource {
    private final SecureRandom random;
    private final byte[] buffer = new byte[4096];
    private int next = buffer.length;

    BufferedSecureRandom(SecureRandom random) {
      this.random = random;
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      if (out.length > buffer.length) {
        random.nextBytes(out);
        return;
      }
      if (buffer.length - next < out.length) {
        random.nextBytes(buffer);
        next = 0;
      }
      System.arraycopy(buffer, next, out, 0, out.length);
      Arrays.fill(buffer, next, next + out.length, (byte) 0);
      next += out.length;
    }
  }
}
