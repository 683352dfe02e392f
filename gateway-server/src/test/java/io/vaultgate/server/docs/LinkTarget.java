package io.vaultgate.server.docs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A link destination split into its path and its fragment (null when there is no '#'), both percent-decoded as a
 * browser does; a query is dropped. {@code external} for anything with a scheme (https:, mailto:) or a host (//).
 */
record LinkTarget(String path, String fragment, boolean external) {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    static LinkTarget parse(String destination) {
        if (SCHEME.matcher(destination).matches() || destination.startsWith("//")) {
            return new LinkTarget(destination, null, true);
        }
        int hash = destination.indexOf('#');
        String path = hash < 0 ? destination : destination.substring(0, hash);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        return new LinkTarget(decode(path), hash < 0 ? null : decode(destination.substring(hash + 1)), false);
    }

    /**
     * The file this target names, resolved as GitHub does from {@code page}: relative to the page's directory, or
     * to the repository root when it starts with '/'; the page itself when the path is empty.
     */
    Path resolve(Path root, Path page) {
        if (path.isEmpty()) {
            return page;
        }
        Path base = path.startsWith("/") ? root : page.getParent();
        return base.resolve(path.replaceFirst("^/+", "")).normalize();
    }

    /** Percent-decodes UTF-8 ('+' stays '+': this is a path, not a form). */
    static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < encoded.length()) {
            int percent = encoded.indexOf('%', i);
            if (percent != i) {
                int end = percent < 0 ? encoded.length() : percent;
                bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0
                    || Character.digit(encoded.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("bad percent-encoding at '" + encoded.substring(i) + "'");
            }
            bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
            i += 3;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
