package io.vaultgate.crypto.shred;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A shredding record and its Ed25519 signature over {@link ShreddingRecord#canonicalBytes()}.
 * {@link #toText()} is the canonical text plus one {@code signature=<base64>} line; store it
 * anywhere (audit log, ticket) and check it offline with the gateway's public key.
 */
public record SignedShreddingRecord(ShreddingRecord record, byte[] signature) {
  public SignedShreddingRecord {
    Objects.requireNonNull(record, "record");
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** True if the signature verifies under {@code publicKey} (an Ed25519 key). */
  public boolean verify(PublicKey publicKey) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey);
      s.update(record.canonicalBytes());
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The canonical record text followed by {@code signature=<base64>}. */
  public String toText() {
    return record.canonicalText() + "signature=" + Base64.getEncoder().encodeToString(signature)
        + "\n";
  }

  /** Parses {@link #toText()} output (does not verify it). */
  public static SignedShreddingRecord parse(String text) {
    int i = text.lastIndexOf("signature=");
    if (i < 0 || !text.endsWith("\n")) {
      throw new IllegalArgumentException("no signature line in shredding record");
    }
    byte[] sig = Base64.getDecoder().decode(text.substring(i + "signature=".length(),
        text.length() - 1));
    return new SignedShreddingRecord(ShreddingRecord.parse(text.substring(0, i)), sig);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedShreddingRecord other
        && record.equals(other.record)
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return record.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedShreddingRecord[" + record + "]";
  }
}
