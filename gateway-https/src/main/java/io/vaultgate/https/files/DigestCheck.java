package io.vaultgate.https.files;

import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.GatewayException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a request body against the SHA-256 the client announced, in headers or trailers, before the
 * upload is committed. Hashes only when a digest was announced, so plain uploads pay nothing.
 */
final class DigestCheck {

    private final List<byte[]> expected;
    private final MessageDigest sha256;

    private DigestCheck(List<byte[]> expected, boolean hash) {
        this.expected = new ArrayList<>(expected);
        this.sha256 = hash ? newSha256() : null;
    }

    static DigestCheck forRequest(HttpHeaders headers) {
        List<byte[]> announced = ContentDigest.sha256Values(headers);
        return new DigestCheck(announced, !announced.isEmpty() || ContentDigest.announcedInTrailer(headers));
    }

    void update(ByteBuffer bytes) {
        if (sha256 != null) {
            sha256.update(bytes);
        }
    }

    /** Throws {@code INTEGRITY} unless every announced value matches what was received. */
    void verify(HttpHeaders trailers) {
        List<byte[]> all = new ArrayList<>(expected);
        all.addAll(ContentDigest.sha256Values(trailers));
        if (all.isEmpty()) {
            return;
        }
        if (sha256 == null) {
            throw new GatewayException(GatewayException.Reason.INVALID_REQUEST,
                    "a digest trailer must be announced in the Trailer header");
        }
        byte[] actual = sha256.digest();
        for (byte[] value : all) {
            if (!MessageDigest.isEqual(value, actual)) {
                throw new GatewayException(GatewayException.Reason.INTEGRITY,
                        "content digest mismatch: the body's sha-256 differs from the announced value");
            }
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
