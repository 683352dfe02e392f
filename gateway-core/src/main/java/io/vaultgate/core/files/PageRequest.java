package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.path.PathPolicy;
import java.util.Objects;

/**
 * Which page of a directory listing to read: at most {@code limit} entries whose names come after {@code after}
 * ({@code ""} for the first page) in binary name order ({@link NameOrder}). The cursor is the last name of the
 * previous page ({@link DirectoryPage#next()}); a name deleted since still marks the place, so walking the pages
 * lists every name that existed throughout the walk exactly once.
 *
 * @param after the name the page starts after; {@code ""} for the first page
 * @param limit the most entries the page may hold, 1 to {@link #MAX_LIMIT}
 */
public record PageRequest(String after, int limit) {

    /** The largest page: what bounds the memory one listing request or open SFTP directory holds. */
    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new GatewayException(Reason.INVALID_REQUEST,
                    "a listing page holds 1 to " + MAX_LIMIT + " entries, not " + limit);
        }
        if (after.length() > PathPolicy.MAX_SEGMENT_LENGTH || after.indexOf('/') >= 0 || after.indexOf('\0') >= 0
                || !wellFormed(after)) {
            throw new GatewayException(Reason.INVALID_REQUEST, "a listing cursor is one name of at most "
                    + PathPolicy.MAX_SEGMENT_LENGTH + " characters, without '/' or NUL");
        }
    }

    /** The first page, as large as pages get. */
    public static PageRequest first() {
        return new PageRequest("", MAX_LIMIT);
    }

    public static PageRequest first(int limit) {
        return new PageRequest("", limit);
    }

    /** The page after {@code cursor}, of the same size. */
    public PageRequest after(String cursor) {
        return new PageRequest(cursor, limit);
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
