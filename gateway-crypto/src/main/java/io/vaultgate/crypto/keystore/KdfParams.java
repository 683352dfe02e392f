package io.vaultgate.crypto.keystore;

/**
 * Argon2id cost parameters for stretching a master secret. Stored in the keystore file, so a file
 * opens with the parameters it was written with; bounded so a tampered file cannot demand
 * unbounded memory or time.
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
  /** 64 MiB, 3 passes, 1 lane: well above OWASP's Argon2id minimum, about a second in pure Java. */
  public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 3, 1);
  static final int MAX_MEMORY_KIB = 1024 * 1024;
  static final int MAX_ITERATIONS = 64;
  static final int MAX_PARALLELISM = 16;

  public KdfParams {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException("Argon2id parallelism must be 1 to " + MAX_PARALLELISM);
    }
    if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException(
          "Argon2id memory must be " + 8 * parallelism + " to " + MAX_MEMORY_KIB + " KiB");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("Argon2id iterations must be 1 to " + MAX_ITERATIONS);
    }
  }
}
