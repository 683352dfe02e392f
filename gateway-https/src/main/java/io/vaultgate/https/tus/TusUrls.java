package io.vaultgate.https.tus;

import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.https.http.PathEscape;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and checks the ids of tus upload URLs, so that a client cannot change what its URL says (above all
 * the announced length, which bounds what PATCH accepts, and was checked against the limits only at creation):
 * <pre>
 *   id  = text "." base64url(first 16 bytes of HMAC-SHA256(key, text))     text: {@link TusUploadId#encode()}
 *   key = HMAC-SHA256(audit signing key's Ed25519 seed, "vaultgate.https.tus-url.v1")
 * </pre>
 * The key is derived from the audit signing key ({@link CatalogReceipts#derivedSecret}), which every node of a
 * gateway holds a copy of, so any node, and a restarted one, accepts a URL another node issued. An id whose
 * MAC does not match (compared in constant time), or that has none (a URL of an earlier version), is an
 * unknown upload ({@code 404}), like an upload that does not exist; one that tries to climb out like a path
 * also scores a path-escape offence.
 */
public final class TusUrls {

    static final String PURPOSE = "vaultgate.https.tus-url.v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_BYTES = 16;

    private final SecretKeySpec key;

    private TusUrls(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a tus URL key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The URLs of a gateway whose receipts {@code receipts} signs: the same key on every node. */
    public static TusUrls derivedFrom(CatalogReceipts receipts) {
        byte[] secret = receipts.derivedSecret(PURPOSE);
        try {
            return new TusUrls(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** URLs under {@code key} (32 bytes or more), e.g. a fixed key in tests. */
    public static TusUrls withKey(byte[] key) {
        return new TusUrls(key.clone());
    }

    /**
     * URLs under a random key of this process only: they stop working after a restart and on other nodes.
     * For a listener without receipts (the deprecated {@code HttpsServer.start}) and tests.
     */
    public static TusUrls ephemeral(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            return new TusUrls(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The id of {@code id}'s URL. */
    public String encode(TusUploadId id) {
        String text = id.encode();
        return text + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(tag(text));
    }

    /**
     * What the URL id names, only if this gateway issued it; otherwise an unknown upload ({@code 404}). An id that
     * tries to climb out of {@code /v1/uploads} like a path would ({@code ../../etc/passwd}, {@code ..%2F..%2Fx}, a
     * NUL, a backslash) is marked as a path escape too ({@link PathEscape#inUrl}), so the front-end scores it
     * against the source address as it does such a {@code /v1/files/} path.
     */
    public TusUploadId decode(String id) {
        if (PathEscape.inUrl(id)) {
            throw PathEscape.marked(TusUploadId.unknown());
        }
        int dot = id.lastIndexOf('.');
        if (dot <= 0) {
            throw TusUploadId.unknown();
        }
        String text = id.substring(0, dot);
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(id.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw TusUploadId.unknown();
        }
        if (!MessageDigest.isEqual(tag(text), presented)) {
            throw TusUploadId.unknown();
        }
        return TusUploadId.decode(text);
    }

    private byte[] tag(String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "TusUrls[key redacted]";
    }
}
