package io.vaultgate.https.multipart;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.PathEscape;

/**
 * Where a form part's file goes: its {@code filename}'s last segment (browsers on Windows once sent whole local
 * paths such as {@code C:\docs\a.csv}) in the request's directory. A file name with a {@code ..} segment or a NUL
 * is refused ({@code INVALID_PATH}, {@code 400}) and marked as a path escape ({@link PathEscape#inFileName}), so
 * the front-end scores it against the source address as it does a {@code /v1/files/} path that climbs out: no
 * browser sends one, and reducing it to its last segment would have let the attempt pass unnoticed.
 */
final class FormFileName {

    private FormFileName() {
    }

    static VirtualPath resolve(VirtualPath directory, String filename) {
        String name = PathEscape.fileName(filename);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        if (name.isEmpty() || name.equals(".")) {
            throw new GatewayException(GatewayException.Reason.INVALID_PATH, "invalid path: a file name is required");
        }
        return PathPolicy.resolve(directory, name);
    }
}
