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
   * A source backed by the platform's {@link SecureRandom}, fetched up to 4 KiB at a time: a nonce
   * per 64 KiB segment is then a copy, not a call into the entropy pool (which costs as much as
   * encrypting a few KiB). The first fetch is small and each one after it twice the last, up to
   * 4 KiB, because every writer has a source of its own and most files are small: a 64 KiB file
   * takes a salt and two nonces, and filling 4 KiB for it cost more than sealing its segments.
   * Nonces and salts are public values, so holding them briefly in memory before use exposes
   * nothing. The sources share one {@link SecureRandom} (thread-safe, as the JDK's are): making one
   * is a provider look-up that cost a small file's writer about as much as its first fetch.
   * Thread-safe.
   */
  static RandomSource secure() {
    return new BufferedSecureRandom(PlatformRandom.SHARED);
  }

  /** Serves bytes from a buffer refilled from a {@link SecureRandom}; each byte is served once. */
  final class BufferedSecureRandom implements RandomSource {
    static final int FIRST_FETCH = 128;
    static final int LARGEST_FETCH = 4096;
    private final SecureRandom random;
    private byte[] buffer = new byte[0];
    private int next;

    BufferedSecureRandom(SecureRandom random) {
      this.random = random;
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
      if (out.length > LARGEST_FETCH) {
        random.nextBytes(out);
        return;
      }
      if (buffer.length - next < out.length) {
        Arrays.fill(buffer, (byte) 0);
        int size = Math.min(LARGEST_FETCH, Math.max(FIRST_FETCH, buffer.length * 2));
        while (size < out.length) {
          size *= 2;
        }
        buffer = new byte[size];
        random.nextBytes(buffer);
        next = 0;
      }
      System.arraycopy(buffer, next, out, 0, out.length);
      Arrays.fill(buffer, next, next + out.length, (byte) 0);
      next += out.length;
    }
  }
}
