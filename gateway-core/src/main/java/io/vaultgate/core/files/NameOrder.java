package io.vaultgate.core.files;

import java.util.Comparator;

/**
 * The order of names in a listing: by Unicode code point, which is the byte order of their UTF-8 encoding. SQLite
 * compares text that way and PostgreSQL does under {@code COLLATE "C"} ({@code Dialect.binary()}), so the gateway
 * merges rows from several queries in the order the catalog returned them. {@link String#compareTo} would not do:
 * it compares UTF-16 units, which puts characters outside the BMP before U+E000..U+FFFF.
 */
public final class NameOrder {

    public static final Comparator<String> BINARY = NameOrder::compare;

    private NameOrder() {
    }

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
