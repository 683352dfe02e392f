package io.vaultgate.https.tus;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id in a tus upload URL: the announced length, the core's file id of the upload and the target path,
 * base64url-encoded. It is not a secret and grants nothing: the core resumes only the caller's own partial
 * at that path, and only while it is still the upload this URL created (a second creation of the same path
 * and length gets a URL of its own, and the first URL is then unknown instead of continuing the second
 * upload with the first one's bytes). Keeping the state in the URL (and the offset in the core's partial)
 * means any gateway node, and a restarted one, can continue an upload. URLs of earlier versions carry no
 * file id ({@code length:/path}); they still resume the caller's partial at the path.
 */
public record TusUploadId(long length, Optional<String> fileId, VirtualPath path) {

    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TusUploadId {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(path, "path");
        if (length < 0) {
            throw new IllegalArgumentException("negative upload length");
        }
        if (fileId.isPresent() && !FILE_ID.matcher(fileId.get()).matches()) {
            throw new IllegalArgumentException("not a file id");
        }
    }

    public TusUploadId(long length, String fileId, VirtualPath path) {
        this(length, Optional.of(fileId), path);
    }

    /** Whether {@code id} is the upload this URL names (always, for a URL of an earlier version). */
    public boolean names(String id) {
        return fileId.map(id::equals).orElse(true);
    }

    public String encode() {
        String plain = length + ":" + fileId.map(id -> id + ":").orElse("") + path;
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
        long length = Long.parseLong(plain.substring(0, colon));
        String rest = plain.substring(colon + 1);
        if (rest.startsWith("/")) {
            return new TusUploadId(length, Optional.empty(), PathPolicy.parse(rest));
        }
        int end = rest.indexOf(':');
        if (end < 0 || !FILE_ID.matcher(rest.substring(0, end)).matches()) {
            throw unknown();
        }
        return new TusUploadId(length, rest.substring(0, end), PathPolicy.parse(rest.substring(end + 1)));
    }

    private static GatewayException unknown() {
        return GatewayException.notFound("upload");
    }
}
