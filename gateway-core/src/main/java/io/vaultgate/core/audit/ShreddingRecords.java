package io.vaultgate.core.audit;

import io.vaultgate.crypto.shred.ShreddingSigner;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Shredding records ({@link SignedShreddingRecord}, gateway-crypto) signed with the gateway's audit key, so a
 * tenant checks them with the same published public key as its exports and receipts. The signed bytes are the
 * record's canonical text without its {@code signature=} line; the signature is plain Ed25519, so OpenSSL
 * verifies it too ({@code docs/security.md}, "Offboarding a tenant").
 */
public final class ShreddingRecords {

    private ShreddingRecords() {
    }

    /** A signer over the audit signing key. */
    public static ShreddingSigner signer(AuditSigningKey key) {
        try {
            byte[] der = PemText.decode(key.publicKey().toPem(), "PUBLIC KEY");
            return new ShreddingSigner(new KeyPair(KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(der)), key.privateKey()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** True if the record's signature verifies under the published audit key. */
    public static boolean verify(SignedShreddingRecord record, AuditPublicKey key) {
        return key.verify(record.record().canonicalBytes(), record.signature());
    }

    /** {@code sha256:<hex>} of the record's whole text ({@link SignedShreddingRecord#toText()}), as audited. */
    public static String digest(SignedShreddingRecord record) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(record.toText().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
