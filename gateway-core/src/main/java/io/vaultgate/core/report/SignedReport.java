package io.vaultgate.core.report;

import io.vaultgate.core.audit.AuditPublicKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A transparency report as written to disk: the canonical JSON, its HTML rendering, and for each the raw
 * 64-byte Ed25519 signature of the audit key over the file's exact bytes ({@code report.json.sig},
 * {@code report.html.sig}), so anyone can check them with the published public key alone, for example
 * {@code openssl pkeyutl -verify -pubin -inkey audit-signing.pub -rawin -in report.json -sigfile
 * report.json.sig}.
 */
public record SignedReport(byte[] json, byte[] jsonSignature, byte[] html, byte[] htmlSignature) {

    /**
     * How every HTML report starts. Everything else the audit key signs starts otherwise: checkpoints, receipts,
     * shredding records and the report JSON are canonical JSON (<code>{</code>), backup manifests hex digests,
     * export headers a domain prefix ({@code vaultgate-audit-export-v3}, {@code -v2} before): a file that does not
     * start so is not an HTML report, whatever signature it carries.
     */
    public static final String HTML_START = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            + "<title>Transparency report ";

    /** True if {@code signature} is {@code key}'s Ed25519 signature of exactly {@code content}. */
    public static boolean verify(byte[] content, byte[] signature, AuditPublicKey key) {
        return signature.length == 64 && key.verify(content, signature);
    }

    /** True if {@code content} starts as every HTML report does ({@link #HTML_START}). */
    public static boolean isHtmlReport(byte[] content) {
        byte[] start = HTML_START.getBytes(StandardCharsets.UTF_8);
        return content.length >= start.length && Arrays.equals(content, 0, start.length, start, 0, start.length);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
