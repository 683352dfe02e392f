package io.vaultgate.https.files;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The preconditions of a {@code PUT} (RFC 9110 13.1): {@code If-None-Match: *} uploads only if no file is there
 * (a client that must not overwrite), {@code If-Match} only if the current file's ETag is one of those given
 * ({@code *}: any file). Checked twice: before the upload opens, so a client that would fail anyway does not send
 * its body, and again by the core in the transaction that publishes the file ({@link #rule}), so an upload
 * racing this one to the same path cannot slip in between.
 */
final class PutPreconditions {

    private PutPreconditions() {
    }

    /** Refuses with 412 unless the file at the path now satisfies the request's preconditions. */
    static void check(HttpHeaders headers, FileService files, Principal principal, VirtualPath path) {
        if (headers.contains(HttpHeaderNames.IF_MATCH) || headers.contains(HttpHeaderNames.IF_NONE_MATCH)) {
            Optional<String> current = currentEtag(files, principal, path);
            if (!holds(headers, current)) {
                throw failed(path + (current.isPresent() && headers.contains(HttpHeaderNames.IF_NONE_MATCH)
                        ? ": a file is there already (If-None-Match)" : ": If-Match does not name the current file"));
            }
        }
    }

    /** The same test for the core's commit: given the SHA-256 of the file at the path then, may this PUT replace it. */
    static Predicate<Optional<String>> rule(HttpHeaders headers) {
        String ifMatch = headers.get(HttpHeaderNames.IF_MATCH);
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        return sha256 -> holds(ifMatch, ifNoneMatch, sha256.map(Downloads::etag));
    }

    private static boolean holds(HttpHeaders headers, Optional<String> currentEtag) {
        return holds(headers.get(HttpHeaderNames.IF_MATCH), headers.get(HttpHeaderNames.IF_NONE_MATCH), currentEtag);
    }

    private static boolean holds(String ifMatch, String ifNoneMatch, Optional<String> currentEtag) {
        if (ifMatch != null && !matchesStrongly(ifMatch, currentEtag)) {
            return false;
        }
        return ifNoneMatch == null || currentEtag.isEmpty() || !Downloads.noneMatchFails(ifNoneMatch, currentEtag.get());
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
        return new HttpProblem(ProblemType.PRECONDITION_FAILED, message);
    }
}
