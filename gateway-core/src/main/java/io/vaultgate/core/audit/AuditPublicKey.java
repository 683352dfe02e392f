package io.vaultgate.core.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The gateway's Ed25519 audit public key, which tenants use to verify checkpoints, exports and receipts
 * offline. Published as a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, as {@code openssl pkey
 * -pubout} writes). Its {@link #keyId()} is the lower-case hex SHA-256 of that DER encoding; every signed
 * message names the key id, so a verifier can tell "signed by another key" from "forged".
 */
public final class AuditPublicKey {

    private final PublicKey key;
    private final byte[] encoded;
    private final String keyId;

    AuditPublicKey(PublicKey key) {
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("the audit key must be Ed25519, not " + key.getAlgorithm());
        }
        this.key = key;
        this.encoded = key.getEncoded();
        try {
            this.keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Reads a PEM {@code PUBLIC KEY}; an {@link IllegalArgumentException} says what is wrong. */
    public static AuditPublicKey fromPem(String pem) {
        byte[] der = PemText.decode(pem, "PUBLIC KEY");
        try {
            return new AuditPublicKey(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public String toPem() {
        return PemText.encode("PUBLIC KEY", encoded);
    }

    public String keyId() {
        return keyId;
    }

    /** True if {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditPublicKey that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "AuditPublicKey[Ed25519, id=" + keyId.substring(0, 16) + "…]";
    }
}
