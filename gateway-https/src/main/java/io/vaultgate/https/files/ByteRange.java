package io.vaultgate.https.files;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.util.Optional;

/**
 * One satisfiable byte range of a representation ({@code first} to {@code last} inclusive). Parsing
 * follows RFC 9110 14.2: a header we do not understand, or one asking for several ranges, is ignored and
 * the whole file is served; a well-formed single range that starts past the end is a 416.
 */
public record ByteRange(long first, long last) {

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }

    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The range to serve, or empty for the whole representation. */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = value.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String firstPart = spec.substring(0, dash).trim();
        String lastPart = spec.substring(dash + 1).trim();
        if (firstPart.isEmpty()) {
            Long suffix = number(lastPart);
            if (suffix == null) {
                return Optional.empty();
            }
            if (suffix == 0 || size == 0) {
                throw unsatisfiable(size);
            }
            return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        Long start = number(firstPart);
        Long end = lastPart.isEmpty() ? null : number(lastPart);
        if (start == null || !lastPart.isEmpty() && end == null) {
            return Optional.empty();
        }
        if (end != null && end < start) {
            return Optional.empty();
        }
        if (start >= size) {
            throw unsatisfiable(size);
        }
        return Optional.of(new ByteRange(start, end == null ? size - 1 : Math.min(end, size - 1)));
    }

    private static Long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(digits);
    }

    private static HttpProblem unsatisfiable(long size) {
        return new HttpProblem(ProblemType.RANGE_NOT_SATISFIABLE,
                "requested range is outside the file", new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_RANGE,
                        "bytes */" + size));
    }
}
