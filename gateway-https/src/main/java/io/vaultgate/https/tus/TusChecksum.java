package io.vaultgate.https.tus;

import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.https.http.HttpProblem;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The tus checksum extension's {@code Upload-Checksum: sha256 <base64>}; only SHA-256 is offered. */
record TusChecksum(byte[] sha256) {

    static final String ALGORITHMS = "sha256";

    /** The announced checksum, or null when the request has none. */
    static TusChecksum of(HttpHeaders headers) {
        String value = headers.get("Upload-Checksum");
        if (value == null) {
            return null;
        }
        String[] parts = value.trim().split(" ");
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("sha256")) {
            throw HttpProblem.badRequest("unsupported Upload-Checksum; supported algorithms: " + ALGORITHMS);
        }
        try {
            byte[] digest = Base64.getDecoder().decode(parts[1]);
            if (digest.length != 32) {
                throw HttpProblem.badRequest("malformed Upload-Checksum: a sha256 has 32 bytes");
            }
            return new TusChecksum(digest);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("malformed Upload-Checksum: invalid base64");
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
