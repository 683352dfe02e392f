package io.vaultgate.core.path;

import io.vaultgate.core.GatewayException;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The one place where client-supplied paths become {@link VirtualPath}s, with the same rules for every
 * protocol: Unicode NFC; no NUL, control characters, bidirectional text controls or backslashes; {@code .}
 * and empty segments are dropped; {@code ..} may not climb above the root; bounded segment and path lengths.
 * Relative inputs are resolved against a working directory. Violations raise {@link GatewayException.Reason#INVALID_PATH}
 * with a message that names the rule.
 */
public final class PathPolicy {

    public static final int MAX_SEGMENT_LENGTH = 255;
    public static final int MAX_PATH_LENGTH = 1024;
    public static final int MAX_DEPTH = 32;

    private PathPolicy() {
    }

    public static VirtualPath parse(String input) {
        return resolve(VirtualPath.ROOT, input);
    }

    public static VirtualPath resolve(VirtualPath workingDirectory, String input) {
        if (input == null) {
            throw invalid("path is missing");
        }
        String path = Normalizer.normalize(input, Normalizer.Form.NFC);
        if (path.length() > MAX_PATH_LENGTH) {
            throw invalid("path is longer than " + MAX_PATH_LENGTH + " characters");
        }
        for (int i = 0; i < path.length(); i++) {
            Optional<String> refused = refusedCharacter(path.charAt(i));
            if (refused.isPresent()) {
                throw invalid(refused.get());
            }
        }
        Deque<String> segments = new ArrayDeque<>(path.startsWith("/") ? List.of() : workingDirectory.segments());
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw invalid("path escapes the root");
                }
                segments.removeLast();
                continue;
            }
            if (segment.length() > MAX_SEGMENT_LENGTH) {
                throw invalid("a path segment is longer than " + MAX_SEGMENT_LENGTH + " characters");
            }
            Optional<String> refusedName = refusedName(segment);
            if (refusedName.isPresent()) {
                throw invalid(refusedName.get());
            }
            segments.addLast(segment);
        }
        if (segments.size() > MAX_DEPTH) {
            throw invalid("path is deeper than " + MAX_DEPTH + " levels");
        }
        return new VirtualPath(List.copyOf(segments));
    }

    /**
     * The rule that refuses {@code name} as one segment of a path, or empty if it may be one: a blank name, or one that
     * ends with a space or a dot (which some file systems and tools drop, so that two names would be one). Also
     * applied by the site receiver to the names forwarded to it.
     */
    public static Optional<String> refusedName(String name) {
        if (name.isBlank() || name.endsWith(" ") || name.endsWith(".")) {
            return Optional.of("a name may not be blank or end with a space or a dot");
        }
        return Optional.empty();
    }

    /**
     * The rule that refuses {@code c} anywhere in a path, or empty if it may appear: a backslash, a control
     * character (C0, DEL, C1, U+2028/U+2029) or a bidirectional text control. The one character rule for names,
     * also applied by the site receiver to the paths forwarded to it, so that a name refused here is refused there.
     */
    public static Optional<String> refusedCharacter(char c) {
        if (c == '\\') {
            return Optional.of("backslash is not allowed in paths");
        }
        if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            return Optional.of("control characters are not allowed in paths");
        }
        if (isBidiControl(c)) {
            // "Trojan Source": a right-to-left override shows "invoice_fdp.exe" as "invoice_exe.pdf"
            return Optional.of("bidirectional text controls (U+" + String.format("%04X", (int) c)
                    + ") are not allowed in paths: they make a name display as another");
        }
        return Optional.empty();
    }

    /** U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069: the characters that reorder how text is displayed. */
    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * Whether a path this policy refuses was an attempt to reach something outside the namespace rather than an
     * ordinary invalid name: a NUL or a backslash anywhere, or {@code ..} segments that climb above the root from
     * {@code workingDirectory} followed by a name ({@code ../../etc/passwd}). No client sends those by mistake, so
     * front-ends score them against the source address ({@code Offence.PATH_ESCAPE}). A bare climb ({@code cd ..}
     * at the root, {@code /../..}) is refused but not scored: people type it out of habit. A name that is merely
     * too long or ends in a dot is not scored either.
     */
    public static boolean isEscapeAttempt(VirtualPath workingDirectory, String input) {
        if (input == null) {
            return false;
        }
        if (input.indexOf('\0') >= 0 || input.indexOf('\\') >= 0) {
            return true;
        }
        int depth = input.startsWith("/") ? 0 : workingDirectory.depth();
        boolean climbedOut = false;
        for (String segment : input.split("/", -1)) {
            if (segment.equals("..")) {
                climbedOut |= --depth < 0;
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                if (climbedOut) {
                    return true;
                }
                depth++;
            }
        }
        return false;
    }

    private static GatewayException invalid(String rule) {
        return new GatewayException(GatewayException.Reason.INVALID_PATH, "invalid path: " + rule);
    }
}
