package io.vaultgate.core;

/**
 * Text a client chose (a login name, a path), made safe to put in a log line: control characters written as escapes,
 * so one event stays one line whatever the client sent, and {@link #quoted} to tell where the client's text ends. The
 * text log's layout applies {@link #escapeControls} to every message (gateway-server's logback.xml); the JSON format
 * escapes them itself.
 */
public final class LogText {

    private LogText() {
    }

    /**
     * {@code text} with CR, LF and tab written as {@code \r}, {@code \n}, {@code \t}, and the other C0 and C1 controls,
     * DEL and the Unicode line and paragraph separators as {@code \}{@code uXXXX} (a terminal's escape sequences
     * included); the same string if it has none.
     */
    public static String escapeControls(String text) {
        if (text == null || text.chars().noneMatch(LogText::isControl)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> escape(c, escaped));
        return escaped.toString();
    }

    /** {@code text} in double quotes, with {@code "} and {@code \} escaped by a backslash and controls as above. */
    public static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        text.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append((char) c);
            } else {
                escape(c, quoted);
            }
        });
        return quoted.append('"').toString();
    }

    private static void escape(int c, StringBuilder to) {
        if (!isControl(c)) {
            to.append((char) c);
        } else if (c == '\r') {
            to.append("\\r");
        } else if (c == '\n') {
            to.append("\\n");
        } else if (c == '\t') {
            to.append("\\t");
        } else {
            to.append(String.format("\\u%04x", c));
        }
    }

    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
