package io.vaultgate.https.http;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;

/**
 * The cause inside an {@code INVALID_PATH} {@link GatewayException} whose path tried to leave the principal's
 * namespace ({@link PathPolicy#isEscapeAttempt}), or whose upload id or file name tried to ({@link #inUrl},
 * {@link #inFileName}). No client sends those by mistake, so {@link ApiHandler} reports each one to the defender as a path-escape offence of the source address; other
 * invalid paths (too long, a name ending in a dot) are refused the same way but not scored. Carries no stack
 * trace: it is a verdict, not a failure.
 */
public final class PathEscape extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private PathEscape() {
        super("path escape attempt", null, false, false);
    }

    /** Whether {@code failure} was marked by {@link #mark}. */
    public static boolean in(Throwable failure) {
        return failure instanceof GatewayException && failure.getCause() instanceof PathEscape;
    }

    /** {@code refused} unchanged for the client, marked as an escape if {@code path} (decoded) is one. */
    static GatewayException mark(GatewayException refused, String path) {
        if (!PathPolicy.isEscapeAttempt(VirtualPath.ROOT, path)) {
            return refused;
        }
        return marked(refused);
    }

    /**
     * {@code refused} unchanged for the client, marked as an escape: for a request part that is not parsed as a
     * path but was judged an escape attempt ({@link #inUrl}, {@link #inFileName}).
     */
    public static GatewayException marked(GatewayException refused) {
        return new GatewayException(refused.reason(), refused.clientMessage(), refused.getMessage(), new PathEscape());
    }

    /**
     * Whether {@code raw}, a still percent-encoded part of a request path that names no file (a tus upload id),
     * would be an escape attempt taken as a path below the root: {@code ../../etc/passwd}, {@code ..%2F..%2Fx},
     * a NUL or a backslash ({@link PathPolicy#isEscapeAttempt}, the rule for {@code /v1/files/...}). Such an id
     * was never issued, so it is unknown anyway; this only decides whether it also scores.
     */
    public static boolean inUrl(String raw) {
        String decoded;
        try {
            decoded = RequestPaths.percentDecode(raw);
        } catch (GatewayException notDecodable) {
            decoded = raw;
        }
        return PathPolicy.isEscapeAttempt(VirtualPath.ROOT, "/" + decoded);
    }

    /**
     * Whether {@code name}, meant as one file name in a directory the request chose (a form part's
     * {@code filename}, a tus {@code filename} metadata), tries to leave that directory: a {@code ..} segment
     * (between slashes or backslashes) or a NUL. A browser sends a bare name, or (old ones on Windows) a whole
     * local path such as {@code C:\docs\a.csv}, never these. A backslash alone is therefore not an attempt here
     * (a form's file name is then cut to its last segment; a tus {@code filename} is taken whole as a path below
     * {@code /inbox}, where the path rule refuses and scores a backslash).
     */
    public static boolean inFileName(String name) {
        if (name.indexOf('\0') >= 0) {
            return true;
        }
        for (String segment : name.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code name} if it is one file name; an {@code INVALID_PATH} refusal, marked as an escape, if
     * {@link #inFileName} it tries to leave its directory.
     */
    public static String fileName(String name) {
        if (inFileName(name)) {
            throw marked(new GatewayException(GatewayException.Reason.INVALID_PATH,
                    "invalid path: a file name may not contain '..' or a NUL"));
        }
        return name;
    }
}
