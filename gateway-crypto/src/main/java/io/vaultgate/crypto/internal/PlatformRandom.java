package io.vaultgate.crypto.internal;

import java.security.SecureRandom;

/**
 * The platform's {@link SecureRandom}, made once for every {@link RandomSource#secure()} source: it holds no state
 * of ours, only its own seeding, and is thread-safe. Not exposed outside this package.
 */
final class PlatformRandom {
  static final SecureRandom SHARED = new SecureRandom();

  private PlatformRandom() {}
}
