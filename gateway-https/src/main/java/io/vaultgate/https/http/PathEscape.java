package io.vaultgate.https.http;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;

/**
 * The cause inside an {@code INVALID_PATH} {@link GatewayException} whose path tried to leave the principal's
 * namespace ({@link PathPolicy#isEscapeAttempt}). No client sends those by mistake, so {@link ApiHandler} reports each one to the defender as a path-escape offence of the source address; other
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
        return new GatewayException(refused.reason(), refused.clientMessage(), refused.getMessage(), new PathEscape());
    }
}
