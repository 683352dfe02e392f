package io.vaultgate.https.tus;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a tus upload URL names: the announced length, the core's file id of the upload and the target path,
 * as the text {@code length:fileId:path} in base64url. That text is not a secret and grants nothing by
 * itself: the core resumes only the caller's own partial at that path, and only while it is still the upload
 * this URL created (a second creation of the same path and length gets a URL of its own, and the first URL is
 * then unknown instead of continuing the second upload with the first one's bytes). Keeping the state in the
 * URL (and the offset in the core's partial) means any gateway node, and a restarted one, can continue an
 * upload. The length bounds what PATCH accepts, so the URL carries this text only with a MAC
 * ({@link TusUrls}): never decode an id that did not pass it.
 */
public record TusUploadId(long length, String fileId, VirtualPath path) {

    /** Digits of the longest length: 18, as for the {@code Upload-Length} header, so it always fits a long. */
    private static final int MAX_LENGTH_DIGITS = 18;
    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TusUploadId {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(path, "path");
        if (length < 0) {
            throw new IllegalArgumentException("negative upload length");
        }
        if (!FILE_ID.matcher(fileId).matches()) {
            throw new IllegalArgumentException("not a file id");
        }
    }

    /** Whether {@code id} is the upload this URL names. */
    public boolean names(String id) {
        return fileId.equals(id);
    }

    /** The unauthenticated text; {@link TusUrls#encode} adds the MAC that makes it a URL. */
    String encode() {
        String plain = length + ":" + fileId + ":" + path;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses the text {@link #encode} made; anything else is an unknown upload. Only {@link TusUrls#decode}
     * calls it, once the MAC matched; URLs of earlier versions ({@code length:path}, {@code length:fileId:path}
     * without a MAC) are unknown there.
     */
    static TusUploadId decode(String id) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        int colon = plain.indexOf(':');
        if (colon <= 0 || colon > MAX_LENGTH_DIGITS || !plain.substring(0, colon).chars().allMatch(Character::isDigit)) {
            throw unknown();
        }
        long length = Long.parseLong(plain.substring(0, colon));
        String rest = plain.substring(colon + 1);
        int end = rest.indexOf(':');
        if (end < 0 || !FILE_ID.matcher(rest.substring(0, end)).matches()) {
            throw unknown();
        }
        return new TusUploadId(length, rest.substring(0, end), PathPolicy.parse(rest.substring(end + 1)));
    }

    static GatewayException unknown() {
        return GatewayException.notFound("upload");
    }
}
