package io.vaultgate.core.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import javax.security.auth.DestroyFailedException;

/**
 * The gateway's Ed25519 audit signing key: signs checkpoints of the audit chain and upload receipts.
 * Never a record and never printed: {@link #toString()} shows only the public key id. Files are handled
 * by {@link AuditKeys}.
 */
public final class AuditSigningKey {

    private final PrivateKey privateKey;
    private final AuditPublicKey publicKey;

    AuditSigningKey(PrivateKey privateKey, AuditPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A fresh key. */
    public static AuditSigningKey generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, random);
            KeyPair pair = generator.generateKeyPair();
            return new AuditSigningKey(pair.getPrivate(), new AuditPublicKey(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** The Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public AuditPublicKey publicKey() {
        return publicKey;
    }

    /** The key id (of the public half). */
    public String keyId() {
        return publicKey.keyId();
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** The 32-byte Ed25519 seed, from which {@link TenantTags} derive; the caller wipes it. */
    byte[] seed() {
        if (privateKey instanceof java.security.interfaces.EdECPrivateKey edec && edec.getBytes().isPresent()) {
            return edec.getBytes().get();
        }
        throw new IllegalStateException("the audit key's private bytes are not available to derive tenant tags");
    }

    /** Best effort: the JDK's Ed25519 keys cannot always be wiped. */
    public void destroy() {
        try {
            privateKey.destroy();
        } catch (DestroyFailedException ignored) {
            // the JDK's EdEC private keys do not implement destroy; the key object is dropped instead
        }
    }

    @Override
    public String toString() {
        return "AuditSigningKey[Ed25519, id=" + keyId().substring(0, 16) + "…, private part redacted]";
    }
}
