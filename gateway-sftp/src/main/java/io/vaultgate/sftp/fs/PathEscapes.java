package io.vaultgate.sftp.fs;

import io.vaultgate.core.path.VirtualPath;

/**
 * Tells an attempt to leave the namespace from an ordinary invalid name, once the core's path policy has refused
 * a client's path: a NUL or a backslash anywhere, or {@code ..} segments that climb above the root. Those score
 * against the source address ({@code Offence.PATH_ESCAPE}); a name that is merely too long or ends in a dot does
 * not.
 */
final class PathEscapes {

    private PathEscapes() {
    }

    static boolean isEscapeAttempt(VirtualPath workingDirectory, String input) {
        if (input == null) {
            return false;
        }
        if (input.indexOf('\0') >= 0 || input.indexOf('\\') >= 0) {
            return true;
        }
        int depth = input.startsWith("/") ? 0 : workingDirectory.depth();
        for (String segment : input.split("/", -1)) {
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
