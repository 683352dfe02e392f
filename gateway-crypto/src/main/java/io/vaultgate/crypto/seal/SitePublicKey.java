package io.vaultgate.crypto.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * A site's X25519 recipient key for sealed forwarding: 32 bytes (RFC 7748), published by the site and
 * stored by the gateway as base64. Files hold it as PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo),
 * the form {@code openssl pkey -pubout} writes.
 */
public final class SitePublicKey {

  /** Length of an X25519 public key. */
  public static final int SIZE = 32;

  private final byte[] bytes;

  private SitePublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** @throws IllegalArgumentException unless exactly 32 bytes */
  public static SitePublicKey of(byte[] raw) {
    if (raw == null || raw.length != SIZE) {
      throw new IllegalArgumentException("an X25519 public key has " + SIZE + " bytes");
    }
    return new SitePublicKey(raw.clone());
  }

  /** @throws IllegalArgumentException if not base64 of 32 bytes */
  public static SitePublicKey fromBase64(String text) {
    try {
      return of(Base64.getDecoder().decode(text.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 X25519 public key (32 bytes)", e);
    }
  }

  /** Reads a PEM {@code PUBLIC KEY} file holding an X25519 key. */
  public static SitePublicKey read(Path file) throws IOException {
    return of(SealPem.decode(Files.readString(file, StandardCharsets.US_ASCII), SealPem.PUBLIC));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo, OID 1.3.101.110). */
  public String toPem() {
    return SealPem.encode(SealPem.PUBLIC, bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SitePublicKey key && Arrays.equals(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SitePublicKey[" + toBase64() + "]";
  }
}
