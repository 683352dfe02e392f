package io.vaultgate.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import javax.security.auth.DestroyFailedException;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The gateway's Ed25519 audit signing key: signs checkpoints of the audit chain and upload receipts.
 * Never a record and never printed: {@link #toString()} shows only the public key id. Files are handled
 * by {@link AuditKeys}.
 *
 * <p>Signing goes through Bouncy Castle's Ed25519, about twelve times faster than JDK 17's pure-Java EdDSA
 * (0.05 ms against 0.6 ms per signature here), which every upload pays once for its receipt. Ed25519 is
 * deterministic, so the signatures are the very bytes the JDK would produce; verification stays with the JDK
 * ({@link AuditPublicKey}) and with OpenSSL for tenants.
 */
public final class AuditSigningKey {

    private final PrivateKey privateKey;
    private final Ed25519PrivateKeyParameters signingKey;
    private final AuditPublicKey publicKey;

    AuditSigningKey(PrivateKey privateKey, AuditPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        byte[] seed = seedOf(privateKey);
        try {
            this.signingKey = new Ed25519PrivateKeyParameters(seed, 0);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
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
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, signingKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
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

    /**
     * A 32-byte secret for another purpose, derived from this key so that every node holding the key (it is
     * copied to each node) derives the same one and there is no second secret file to keep:
     * {@code HMAC-SHA256(Ed25519 private key seed, purpose)}. {@code purpose} is a versioned label naming
     * its use (e.g. {@code vaultgate.https.tus-url.v1}); it must not start with {@code vaultgate.audit.},
     * the labels of the audit tag keys. The caller wipes the result.
     */
    public byte[] derivedSecret(String purpose) {
        if (purpose.isEmpty() || purpose.startsWith("vaultgate.audit.")) {
            throw new IllegalArgumentException("not a label for a derived secret: " + purpose);
        }
        byte[] seed = seed();
        try {
            return TenantTagKey.hmac(seed, purpose.getBytes(StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The 32-byte Ed25519 seed, from which {@link TenantTags} derive; the caller wipes it. */
    byte[] seed() {
        return seedOf(privateKey);
    }

    private static byte[] seedOf(PrivateKey key) {
        if (key instanceof EdECPrivateKey edec && edec.getBytes().isPresent()) {
            return edec.getBytes().get();
        }
        throw new IllegalStateException("the audit key's private bytes are not available");
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
