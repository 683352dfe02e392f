package io.vaultgate.crypto.seal;

import io.vaultgate.crypto.InsecureKeyAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A site's X25519 private key: held by the site's receiver, never by the gateway. Not a record: {@link
 * #toString()} is redacted and {@link #destroy()} zeroes the bytes. On disk it is PEM {@code PRIVATE KEY}
 * (PKCS#8, as {@code openssl genpkey -algorithm X25519} writes), mode 0600; a file others can read is
 * refused.
 */
public final class SitePrivateKey implements Destroyable {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final byte[] bytes;
  private final SitePublicKey publicKey;
  private volatile boolean destroyed;

  private SitePrivateKey(byte[] bytes) {
    this.bytes = bytes;
    byte[] pub = new byte[SitePublicKey.SIZE];
    X25519.scalarMultBase(bytes, 0, pub, 0);
    this.publicKey = SitePublicKey.of(pub);
  }

  /** A fresh key pair. */
  public static SitePrivateKey generate(SecureRandom random) {
    byte[] k = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, k);
    return new SitePrivateKey(k);
  }

  /** Imports 32 raw bytes (copied). */
  public static SitePrivateKey fromBytes(byte[] raw, InsecureKeyAccess access) {
    Objects.requireNonNull(access, "access");
    if (raw == null || raw.length != X25519.SCALAR_SIZE) {
      throw new IllegalArgumentException("an X25519 private key has " + X25519.SCALAR_SIZE + " bytes");
    }
    return new SitePrivateKey(raw.clone());
  }

  /**
   * Reads a PEM {@code PRIVATE KEY} file.
   *
   * @throws IOException if unreadable, or readable by anyone but its owner
   */
  public static SitePrivateKey read(Path file) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(mode)) {
        throw new IOException(file + " is readable or writable by others (mode "
            + PosixFilePermissions.toString(mode) + "); chmod 600 it");
      }
    }
    byte[] raw = SealPem.decode(Files.readString(file, StandardCharsets.US_ASCII), SealPem.PRIVATE);
    try {
      return new SitePrivateKey(raw.clone());
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Writes the key as PEM, mode 0600, atomically; an existing file is never overwritten, also not one
   * another process writes at the same moment: the complete file is hard-linked into place, which fails
   * if the name exists (a rename would replace it).
   */
  public void write(Path file) throws IOException {
    if (Files.exists(file)) {
      throw refusal(file);
    }
    Path parent = file.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(parent, ".site-key", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(temporary, SealPem.encode(SealPem.PRIVATE, raw()), StandardCharsets.US_ASCII);
      try {
        Files.createLink(file, temporary);
      } catch (FileAlreadyExistsException e) {
        throw refusal(file);
      } catch (UnsupportedOperationException e) {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE); // no hard links here: best effort
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static IOException refusal(Path file) {
    return new IOException(file + " exists; refusing to overwrite a key");
  }

  public SitePublicKey publicKey() {
    return publicKey;
  }

  /** X25519(this, peer) into {@code shared}; false if the result is all zero (a low-order peer key). */
  boolean agree(byte[] peer, byte[] shared) {
    return X25519.calculateAgreement(raw(), 0, peer, 0, shared, 0);
  }

  private byte[] raw() {
    if (destroyed) {
      throw new IllegalStateException("the site key has been destroyed");
    }
    return bytes;
  }

  @Override
  public void destroy() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return destroyed ? "SitePrivateKey[destroyed]" : "SitePrivateKey[redacted, public " + publicKey.toBase64() + "]";
  }
}
