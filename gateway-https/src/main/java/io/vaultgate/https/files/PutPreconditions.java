package io.vaultgate.https.files;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.HttpProblem;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The preconditions of a {@code PUT} (RFC 9110 13.1): {@code If-None-Match: *} uploads only if no file is there
 * (a client that must not overwrite), {@code If-Match} only if the current file's ETag is one of those given
 * ({@code *}: any file). Checked before the upload opens and before the body is sent, against the file as it is
 * then; an upload racing it to the same path can still win (the core has no create-only commit).
 */
final class PutPreconditions {

    private PutPreconditions() {
    }

    static void check(HttpHeaders headers, FileService files, Principal principal, VirtualPath path) {
        String ifMatch = headers.get(HttpHeaderNames.IF_MATCH);
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifMatch == null && ifNoneMatch == null) {
            return;
        }
        Optional<String> current = currentEtag(files, principal, path);
        if (ifMatch != null && !matchesStrongly(ifMatch, current)) {
            throw failed(path + ": If-Match does not name the current file");
        }
        if (ifNoneMatch != null && current.isPresent() && Downloads.noneMatchFails(ifNoneMatch, current.get())) {
            throw failed(path + ": a file is there already (If-None-Match)");
        }
    }

    private static boolean matchesStrongly(String ifMatch, Optional<String> current) {
        if (current.isEmpty()) {
            return false;
        }
        return ifMatch.trim().equals("*")
                || Arrays.stream(ifMatch.split(",")).map(String::trim).anyMatch(current.get()::equals);
    }

    /** The committed file's ETag; empty if there is none (a partial or a directory is no file to match). */
    private static Optional<String> currentEtag(FileService files, Principal principal, VirtualPath path) {
        try {
            FileEntry entry = files.stat(principal, path);
            if (entry.directory() || entry.partial()) {
                return Optional.empty();
            }
            try (FileContent content = files.open(principal, path)) {
                return Optional.of(Downloads.etag(content.sha256()));
            }
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new GatewayException(GatewayException.Reason.INTERNAL, "internal error",
                    path + ": cannot read the current file for a precondition", e);
        }
    }

    private static HttpProblem failed(String message) {
        return new HttpProblem(HttpResponseStatus.PRECONDITION_FAILED, "precondition-failed", message);
    }
}
