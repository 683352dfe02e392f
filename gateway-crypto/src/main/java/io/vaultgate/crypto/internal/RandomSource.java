package io.vaultgate.crypto.internal;

import java.security.SecureRandom;

/**
 * Where salts and nonces come from. Production code uses {@link #secure()}; tests substitute a
 * deterministic source to produce known-answer vectors, or a recording one to prove nonces never
 * repeat. Never exposed through a public factory of a writer.
 */
@FunctionalInterface
public interface RandomSource {
  /** Fills {@code out} with random bytes. */
  void nextBytes(byte[] out);

  /** A source backed by the platform's {@link SecureRandom}. */
  static RandomSource secure() {
    SecureRandom random = new SecureRandom();
    return random::nextBytes;
  }
}
