package io.vaultgate.https.receiver;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Optional;

/**
 * Maps a forwarded file's tenant, account and virtual path to a place in the drop directory,
 * {@code <drop>/<tenant>/<account>/<path>}, refusing anything that could leave it or be surprising on disk:
 * traversal segments, empty segments, overlong names, very deep trees, a path not in Unicode NFC (the form the gateway
 * stores every path in, so that two spellings of one name cannot become two files), the names the gateway's own
 * {@link PathPolicy#refusedName} refuses (blank, or ending with a space or a dot) and the characters its
 * {@link PathPolicy#refusedCharacter} refuses (backslashes, C0 and C1 controls, U+2028/U+2029, bidirectional text
 * controls that make a name display as another). Each account of a tenant has its own namespace, so two of them
 * may send the same path: the account level keeps their files apart. The tenant level is a tenant id and the
 * account level a login name, neither of which starts with a dot, so nothing reaches the receiver's own
 * {@code .vaultgate} area.
 */
final class DropPaths {

    static final int MAX_SEGMENT_BYTES = 255;
    static final int MAX_DEPTH = 32;

    private DropPaths() {
    }

    static Path resolve(Path drop, String tenant, String account, String virtualPath) throws ReceiverProblem {
        TenantId id;
        try {
            id = TenantId.of(tenant);
        } catch (IllegalArgumentException e) {
            throw bad(ForwardProtocol.TENANT + ": " + e.getMessage());
        }
        try {
            Account.validateUsername(account);
        } catch (IllegalArgumentException e) {
            throw bad(ForwardProtocol.ACCOUNT + ": " + e.getMessage());
        }
        if (!virtualPath.startsWith("/")) {
            throw bad("Vaultgate-Path must be absolute");
        }
        if (!Normalizer.isNormalized(virtualPath, Normalizer.Form.NFC)) {
            throw bad("Vaultgate-Path is not in Unicode normalization form C (the gateway sends only NFC paths)");
        }
        String[] segments = virtualPath.substring(1).split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw bad("Vaultgate-Path is deeper than " + MAX_DEPTH + " levels");
        }
        Path root = drop.resolve(id.value()).resolve(account);
        Path target = root;
        for (String segment : segments) {
            check(segment);
            target = target.resolve(segment);
        }
        Path normalized = target.normalize();
        if (!normalized.startsWith(root) || normalized.equals(root)) {
            throw bad("Vaultgate-Path leaves the account's drop directory");
        }
        return normalized;
    }

    private static void check(String segment) throws ReceiverProblem {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            throw bad("Vaultgate-Path has an empty, '.' or '..' segment");
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw bad("Vaultgate-Path has a name longer than " + MAX_SEGMENT_BYTES + " bytes");
        }
        Optional<String> refusedName = PathPolicy.refusedName(segment);
        if (refusedName.isPresent()) {
            throw bad("Vaultgate-Path: " + refusedName.get());
        }
        for (int i = 0; i < segment.length(); i++) {
            Optional<String> refused = PathPolicy.refusedCharacter(segment.charAt(i));
            if (refused.isPresent()) {
                throw bad("Vaultgate-Path: " + refused.get());
            }
        }
    }

    /**
     * A refusal no repetition of the request can change, so {@code 422}, which the gateway does not retry (the job goes
     * DEAD at once with this message), not {@code 400}, which it retries until its attempts are used up. A gateway can
     * send such a path: its names are limited in characters, the drop directory's in bytes.
     */
    private static ReceiverProblem bad(String message) {
        return new ReceiverProblem(HttpResponseStatus.UNPROCESSABLE_ENTITY, message);
    }
}
