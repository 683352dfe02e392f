package io.vaultgate.https.http;

import io.vaultgate.core.GatewayException;

/**
 * The cause inside an {@code INVALID_PATH} {@link GatewayException} whose path tried to leave the principal's
 * namespace: a {@code ..} that climbs above the root, a NUL or a backslash. No client sends those by mistake,
 * so {@link ApiHandler} reports each one to the defender as a path-escape offence of the source address; other
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
        if (!attempted(path)) {
            return refused;
        }
        return new GatewayException(refused.reason(), refused.clientMessage(), refused.getMessage(), new PathEscape());
    }

    /** A NUL, a backslash, or more {@code ..} segments than the names before them. */
    static boolean attempted(String path) {
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            return true;
        }
        int depth = 0;
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                if (--depth < 0) {
                    return true;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
            }
        }
        return false;
    }
}
