package io.vaultgate.core.report;

import io.vaultgate.core.audit.AuditPublicKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A transparency report as written to disk: the canonical JSON, its HTML rendering, and for each the raw
 * 64-byte Ed25519 signature of the audit key over the file's exact bytes ({@code report.json.sig},
 * {@code report.html.sig}), so anyone can check them with the published public key alone, for example
 * {@code openssl pkeyutl -verify -pubin -inkey audit-signing.pub -rawin -in report.json -sigfile
 * report.json.sig}.
 */
public record SignedReport(byte[] json, byte[] jsonSignature, byte[] html, byte[] htmlSignature) {

    /** True if {@code signature} is {@code key}'s Ed25519 signature of exactly {@code content}. */
    public static boolean verify(byte[] content, byte[] signature, AuditPublicKey key) {
        return signature.length == 64 && key.verify(content, signature);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
