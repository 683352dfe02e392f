package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.internal.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * The secret that unlocks a keystore file, stretched with Argon2id before use. At least {@value
 * #MIN_LENGTH} bytes. Not a record: redacted {@code toString}, constant-time {@code equals},
 * {@link #destroy()} zeroes it.
 */
public final class MasterSecret implements Destroyable {
  /** Shortest accepted secret, in bytes. */
  public static final int MIN_LENGTH = 16;
  /** Longest accepted secret, in bytes (a bound on what a secret file may make us read). */
  public static final int MAX_LENGTH = 4096;

  private final SecretBytes secret;

  private MasterSecret(byte[] bytes) {
    if (bytes.length < MIN_LENGTH || bytes.length > MAX_LENGTH) {
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException(
          "master secret must be " + MIN_LENGTH + " to " + MAX_LENGTH + " bytes");
    }
    this.secret = new SecretBytes(bytes, "master secret");
  }

  /** A secret from raw bytes (copied). */
  public static MasterSecret fromBytes(byte[] secret) {
    return new MasterSecret(Objects.requireNonNull(secret, "secret").clone());
  }

  /**
   * Reads a secret file; one trailing newline is ignored so {@code echo ... > file} works.
   *
   * @throws CryptoException.ProviderUnavailable if the file is unreadable or the wrong size
   */
  public static MasterSecret fromFile(Path file) {
    try {
      if (Files.size(file) > MAX_LENGTH + 2) {
        throw new CryptoException.ProviderUnavailable(
            "master secret file " + file + " is larger than " + MAX_LENGTH + " bytes");
      }
      byte[] b = Files.readAllBytes(file);
      int n = b.length;
      if (n > 0 && b[n - 1] == '\n') {
        n--;
        if (n > 0 && b[n - 1] == '\r') {
          n--;
        }
      }
      byte[] secret = Arrays.copyOf(b, n);
      Arrays.fill(b, (byte) 0);
      return new MasterSecret(secret);
    } catch (IOException e) {
      throw new CryptoException.ProviderUnavailable(
          "cannot read master secret file " + file + ": " + e.getClass().getSimpleName(), e);
    } catch (IllegalArgumentException e) {
      throw new CryptoException.ProviderUnavailable(
          "master secret file " + file + ": " + e.getMessage());
    }
  }

  /** Reads a secret from an environment variable (its UTF-8 bytes). */
  public static MasterSecret fromEnvironment(String variable) {
    return fromEnvironment(variable, System.getenv());
  }

  static MasterSecret fromEnvironment(String variable, Map<String, String> env) {
    String value = env.get(variable);
    if (value == null || value.isEmpty()) {
      throw new CryptoException.ProviderUnavailable(
          "environment variable " + variable + " is not set; set it to the master secret");
    }
    try {
      return new MasterSecret(value.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CryptoException.ProviderUnavailable(
          "environment variable " + variable + ": " + e.getMessage());
    }
  }

  /** A copy of the secret bytes; the caller zeroes it. */
  public byte[] toByteArray(InsecureKeyAccess access) {
    return secret.copy(access);
  }

  @Override
  public void destroy() {
    secret.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return secret.isDestroyed();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterSecret other && secret.sameAs(other.secret);
  }

  @Override
  public int hashCode() {
    return MasterSecret.class.hashCode();
  }

  @Override
  public String toString() {
    return "MasterSecret[redacted]";
  }
}
