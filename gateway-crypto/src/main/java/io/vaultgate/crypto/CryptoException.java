package io.vaultgate.crypto;

import java.util.Objects;

/**
 * The closed set of crypto failures. Unchecked, so streams and providers can throw them through
 * {@code java.nio} and functional interfaces; callers that map failures to protocol status codes
 * switch over the permitted subclasses.
 *
 * <p>Messages never contain key bytes or plaintext. {@link AuthenticationFailed} always carries the
 * same message so that it reveals nothing about which check failed or where.
 */
public abstract sealed class CryptoException extends RuntimeException {
  private CryptoException(String message) {
    super(message);
  }

  private CryptoException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A ciphertext, header, key slot or key commitment did not authenticate. */
  public static final class AuthenticationFailed extends CryptoException {
    /** The only message this exception ever carries. */
    public static final String MESSAGE = "ciphertext or key failed authentication";

    public AuthenticationFailed() {
      super(MESSAGE);
    }
  }

  /** The data uses a format version, suite or parameter this build does not support. */
  public static final class UnsupportedFormat extends CryptoException {
    public UnsupportedFormat(String message) {
      super(message);
    }
  }

  /** The provider holds no key with the requested id (never created, or a different provider). */
  public static final class KeyNotFound extends CryptoException {
    public KeyNotFound(String message) {
      super(message);
    }
  }

  /** The key exists but was disabled (a retired KEK version) and may not be used. */
  public static final class KeyDisabled extends CryptoException {
    public KeyDisabled(String message) {
      super(message);
    }
  }

  /** The key was destroyed (crypto-shredded); what it protected is unreadable for good. */
  public static final class KeyDestroyed extends CryptoException {
    public KeyDestroyed(String message) {
      super(message);
    }
  }

  /** The key provider cannot be used: file missing or unsafe, wrong secret, HSM unreachable. */
  public static final class ProviderUnavailable extends CryptoException {
    public ProviderUnavailable(String message) {
      super(message);
    }

    public ProviderUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A positional write arrived ahead of a gap while the process's memory for such early bytes
   * ({@link io.vaultgate.crypto.stream.ReorderMemory}), or the uploading tenant's share of it, was
   * spent; nothing of it was kept, and the writer stays usable.
   */
  public static final class ReorderMemoryFull extends CryptoException {
    /** Which bound refused the write. */
    public enum Bound {
      /** The memory of the whole process. */
      PROCESS,
      /** The share one tenant may hold of it. */
      TENANT
    }

    private final Bound bound;

    public ReorderMemoryFull(Bound bound, String message) {
      super(message);
      this.bound = Objects.requireNonNull(bound, "bound");
    }

    /** The bound the write would have crossed. */
    public Bound bound() {
      return bound;
    }
  }

  /** A positional write fell outside the reorder window of an out-of-order writer. */
  public static final class WriteOutOfWindow extends CryptoException {
    public WriteOutOfWindow(String message) {
      super(message);
    }
  }
}
