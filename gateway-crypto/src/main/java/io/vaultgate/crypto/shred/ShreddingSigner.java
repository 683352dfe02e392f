package io.vaultgate.crypto.shred;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * Signs shredding records with an Ed25519 key (JDK 17's built-in EdDSA). The key pair is the
 * gateway's; where it is kept is the composition root's business. Redacted {@code toString}.
 */
public final class ShreddingSigner {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  /** Uses an existing Ed25519 key pair. */
  public ShreddingSigner(KeyPair keyPair) {
    Objects.requireNonNull(keyPair, "keyPair");
    if (!keyPair.getPrivate().getAlgorithm().matches("Ed25519|EdDSA")) {
      throw new IllegalArgumentException("shredding records are signed with Ed25519 keys");
    }
    this.privateKey = keyPair.getPrivate();
    this.publicKey = keyPair.getPublic();
  }

  /** A signer with a freshly generated Ed25519 key pair. */
  public static ShreddingSigner generate() {
    try {
      return new ShreddingSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    }
  }

  /** The key that verifies this signer's records. */
  public PublicKey publicKey() {
    return publicKey;
  }

  public SignedShreddingRecord sign(ShreddingRecord record) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(record.canonicalBytes());
      return new SignedShreddingRecord(record, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "ShreddingSigner[redacted]";
  }
}
