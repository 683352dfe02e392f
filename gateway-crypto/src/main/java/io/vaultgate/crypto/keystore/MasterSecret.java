package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.internal.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
   * Reads a secret file; one trailing newline is ignored so {@code echo ... > file} works. Like OpenSSH with a
   * private key, it refuses a file that group or others may read or write (on a POSIX file system), before
   * reading a byte of it: such a secret may already be known to others, and using it would hide that.
   *
   * @throws CryptoException.ProviderUnavailable if the file is unreadable, not private to its owner (the
   *     message names the file, its mode and the {@code chmod} that fixes it) or the wrong size
   */
  public static MasterSecret fromFile(Path file) {
    try {
      requirePrivate(file);
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

  private static void requirePrivate(Path file) throws IOException {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException notPosix) {
      return;
    }
    if (mode.stream().anyMatch(MasterSecret::groupOrOthers)) {
      throw new CryptoException.ProviderUnavailable("master secret file " + file + " has mode " + octal(mode)
          + " (" + PosixFilePermissions.toString(mode) + "): group or others may read or write it; it must be "
          + "private to its owner: chmod 600 " + file);
    }
  }

  private static boolean groupOrOthers(PosixFilePermission permission) {
    return permission.name().startsWith("GROUP_") || permission.name().startsWith("OTHERS_");
  }

  /** {@code 0644} for {@code rw-r--r--}: the enum is declared owner, group, others, each read, write, execute. */
  private static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission permission : mode) {
      bits |= 1 << (8 - permission.ordinal());
    }
    return String.format("%04o", bits);
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
