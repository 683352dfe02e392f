package io.vaultgate.https.tus;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The id in a tus upload URL: the target path and the announced length, base64url-encoded. It is not a
 * secret and grants nothing: the core resumes only the caller's own partial at that path. Keeping the
 * state in the URL (and the offset in the core's partial) means any gateway node, and a restarted one,
 * can continue an upload.
 */
public record TusUploadId(long length, VirtualPath path) {

    public TusUploadId {
        Objects.requireNonNull(path, "path");
        if (length < 0) {
            throw new IllegalArgumentException("negative upload length");
        }
    }

    public String encode() {
        String plain = length + ":" + path;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    public static TusUploadId decode(String id) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        int colon = plain.indexOf(':');
        if (colon <= 0 || colon > 19 || !plain.substring(0, colon).chars().allMatch(Character::isDigit)) {
            throw unknown();
        }
        return new TusUploadId(Long.parseLong(plain.substring(0, colon)), PathPolicy.parse(plain.substring(colon + 1)));
    }

    private static GatewayException unknown() {
        return GatewayException.notFound("upload");
    }
}
