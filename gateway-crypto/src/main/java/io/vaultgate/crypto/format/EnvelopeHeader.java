package io.vaultgate.crypto.format;

import io.vaultgate.crypto.EnvelopeContext;
import java.util.Arrays;
import java.util.Objects;

/**
 * The parsed fields of an envelope header. Values only: whether the commitment and MAC are right is
 * decided by {@link io.vaultgate.crypto.internal.EnvelopeKeys}. Arrays are copied in and out.
 */
public record EnvelopeHeader(
    int suite, int segmentSize, EnvelopeContext context, byte[] salt, byte[] keyCommitment, byte[] mac) {
  /** Bytes of the per-file HKDF salt. */
  public static final int SALT_SIZE = 32;
  /** Bytes of the key commitment. */
  public static final int COMMITMENT_SIZE = 32;
  /** Bytes of the header MAC (HMAC-SHA256). */
  public static final int MAC_SIZE = 32;

  public EnvelopeHeader {
    Objects.requireNonNull(context, "context");
    EnvelopeFormat.checkSegmentSize(segmentSize);
    salt = checkedCopy("salt", salt, SALT_SIZE);
    keyCommitment = checkedCopy("keyCommitment", keyCommitment, COMMITMENT_SIZE);
    mac = checkedCopy("mac", mac, MAC_SIZE);
  }

  private static byte[] checkedCopy(String name, byte[] b, int size) {
    if (b == null || b.length != size) {
      throw new IllegalArgumentException(name + " must be " + size + " bytes");
    }
    return b.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] keyCommitment() {
    return keyCommitment.clone();
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvelopeHeader h
        && suite == h.suite
        && segmentSize == h.segmentSize
        && context.equals(h.context)
        && Arrays.equals(salt, h.salt)
        && Arrays.equals(keyCommitment, h.keyCommitment)
        && Arrays.equals(mac, h.mac);
  }

  @Override
  public int hashCode() {
    return Objects.hash(suite, segmentSize, context, Arrays.hashCode(salt), Arrays.hashCode(mac));
  }

  @Override
  public String toString() {
    return "EnvelopeHeader[suite=" + suite + ", segmentSize=" + segmentSize + ", " + context + "]";
  }
}
