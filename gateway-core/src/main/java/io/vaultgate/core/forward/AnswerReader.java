package io.vaultgate.core.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.1 answer from a site: the final status (interim {@code 1xx} answers skipped), the header
 * fields, and the body, of which the first {@link #EXCERPT} bytes are kept (the job's last error) and the
 * rest read and dropped, so that the connection can carry the next request. Whether it can is part of the
 * result: only when the answer's framing was read to its end and the site did not ask to close.
 *
 * <p>Limits: a head of at most {@link #MAX_HEAD} bytes; a body is drained up to {@link #MAX_DRAIN} bytes,
 * beyond that the connection is not reused.
 */
final class AnswerReader {

    /** An answer, and whether its connection may carry another request. */
    record Reading(SiteAnswer answer, boolean reusable) {
    }

    static final int EXCERPT = 200;
    static final int MAX_HEAD = 64 * 1024;
    /** An answer body longer than this is not read to its end; the connection is closed instead. */
    static final long MAX_DRAIN = 1 << 20;

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[0-9] ([1-9][0-9]{2})(?: .*)?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,15}");

    private AnswerReader() {
    }

    /**
     * Reads one final answer. {@code beforeAnswer}: a failure or end of stream before its first byte is
     * {@link Unanswered}.
     *
     * @throws IOException when the answer is not HTTP/1.x, its head is too long or malformed, or the
     *     connection failed or ended before the head was complete
     */
    static Reading read(InputStream in, boolean beforeAnswer) throws IOException {
        Optional<Reading> answer = readOne(in, beforeAnswer);
        while (answer.isEmpty()) {
            answer = readOne(in, false);
        }
        return answer.get();
    }

    /**
     * Reads one answer, interim or final: empty for an interim {@code 1xx} (its head read, the next answer
     * not waited for), the final answer as {@link #read} returns it otherwise. For the early answer looked
     * for while a request body is being sent ({@link Http1Put}), where an interim answer must not stop it.
     *
     * @throws IOException as {@link #read}
     */
    static Optional<Reading> readOne(InputStream in, boolean beforeAnswer) throws IOException {
        String status = line(in, beforeAnswer);
        int code = code(status);
        Map<String, String> headers = fields(in, status.length());
        if (code / 100 == 1) {
            return Optional.empty();
        }
        boolean keepAlive = status.startsWith("HTTP/1.1 ") && !tokens(headers.get("connection")).contains("close");
        Body body = readBody(in, code, headers);
        return Optional.of(new Reading(new SiteAnswer(code, Map.copyOf(headers), body.excerpt(), Optional.empty()),
                keepAlive && body.complete()));
    }

    /**
     * The header fields up to the empty line, by lower-case name. Repeated fields are combined into one
     * comma-separated list (RFC 9110 5.3), except {@code Content-Length}, whose values must agree; a folded
     * line (starting with a space or tab) continues the previous field (RFC 9112 5.2).
     */
    private static Map<String, String> fields(InputStream in, int statusLength) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String previous = null;
        int total = statusLength;
        for (String line = line(in, false); !line.isEmpty(); line = line(in, false)) {
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("the site's answer head is longer than " + MAX_HEAD + " bytes");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (previous == null) {
                    throw new IOException("the site's answer head starts with a folded line");
                }
                String continued = line.strip();
                headers.computeIfPresent(previous, (name, value) -> (value + " " + continued).strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                previous = null;
                continue; // not a field: ignored
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            String earlier = headers.get(name);
            if (earlier != null && name.equals("content-length") && !earlier.equals(value)) {
                throw new IOException("the site answered two different Content-Length values");
            }
            headers.put(name, earlier == null || name.equals("content-length") ? value : earlier + ", " + value);
            previous = name;
        }
        return headers;
    }

    /** The lower-case tokens of a comma-separated field. */
    private static List<String> tokens(String field) {
        if (field == null) {
            return List.of();
        }
        return Arrays.stream(field.split(",")).map(token -> token.trim().toLowerCase(Locale.ROOT)).toList();
    }

    private record Body(String excerpt, boolean complete) {
    }

    /**
     * Reads the body as its framing says (RFC 9112 6.3): none for 204 and 304; chunks when
     * {@code Transfer-Encoding} ends in {@code chunked}, and then the connection is not reused if a
     * {@code Content-Length} came too (an answer framed two ways may smuggle another); up to the end of the
     * stream for any other transfer coding or without a length; else {@code Content-Length} bytes. A body cut
     * short keeps the answer but not the connection.
     */
    private static Body readBody(InputStream in, int code, Map<String, String> headers) throws IOException {
        if (code == 204 || code == 304) {
            return new Body("", true);
        }
        Excerpt excerpt = new Excerpt();
        String length = headers.get("content-length");
        List<String> codings = tokens(headers.get("transfer-encoding"));
        if (!codings.isEmpty()) {
            if (!codings.get(codings.size() - 1).equals("chunked")) {
                excerpt.drain(in, MAX_DRAIN);
                return new Body(excerpt.text(), false);
            }
            boolean complete = chunks(in, excerpt);
            return new Body(excerpt.text(), complete && length == null);
        }
        if (length != null) {
            if (!DIGITS.matcher(length).matches()) {
                throw new IOException("the site answered an invalid Content-Length: "
                        + AnswerCheck.printable(length.substring(0, Math.min(20, length.length()))));
            }
            boolean complete = excerpt.drain(in, Long.parseLong(length));
            return new Body(excerpt.text(), complete);
        }
        excerpt.drain(in, MAX_DRAIN);
        return new Body(excerpt.text(), false);
    }

    /** Reads a chunked body and its trailers; false if the stream ended or the drain limit stopped it first. */
    private static boolean chunks(InputStream in, Excerpt excerpt) throws IOException {
        try {
            for (long size = chunkSize(line(in, false)); size > 0; size = chunkSize(line(in, false))) {
                if (!excerpt.drain(in, size)) {
                    return false;
                }
                if (!line(in, false).isEmpty()) {
                    throw new IOException("the site's answer has a chunk longer than its chunk size");
                }
            }
            for (String trailer = line(in, false); !trailer.isEmpty(); trailer = line(in, false)) {
                // trailers are ignored
            }
            return true;
        } catch (EOFException cut) {
            return false;
        }
    }

    /** The first bytes of an answer body kept as text, the rest read and dropped (up to a limit). */
    private static final class Excerpt {
        private final byte[] kept = new byte[EXCERPT];
        private final byte[] scratch = new byte[8192];
        private int length;
        private long drained;

        /** Reads {@code size} bytes; false if the limit stopped it or the stream ended first. */
        boolean drain(InputStream in, long size) throws IOException {
            long left = size;
            while (left > 0) {
                int n = drained >= MAX_DRAIN ? -1 : in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) {
                    return false;
                }
                int keep = Math.min(n, kept.length - length);
                System.arraycopy(scratch, 0, kept, length, keep);
                length += keep;
                left -= n;
                drained += n;
            }
            return true;
        }

        String text() {
            return new String(kept, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** The status code of a status line {@code HTTP/1.x NNN [reason]}. */
    private static int code(String status) throws IOException {
        Matcher matcher = STATUS.matcher(status);
        if (!matcher.matches()) {
            throw new IOException("the site did not answer with an HTTP/1.1 status line: "
                    + AnswerCheck.printable(status.substring(0, Math.min(40, status.length()))));
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** A chunk size: hex digits, then maybe extensions after {@code ;}. */
    private static long chunkSize(String line) throws IOException {
        int end = line.indexOf(';');
        String digits = (end < 0 ? line : line.substring(0, end)).trim();
        if (!HEX.matcher(digits).matches()) {
            throw new IOException("the site answered an invalid chunk size");
        }
        return Long.parseLong(digits, 16);
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1. */
    private static String line(InputStream in, boolean beforeAnswer) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                if (beforeAnswer && line.length() == 0 && !(e instanceof SocketTimeoutException)) {
                    throw new Unanswered(e);
                }
                throw e;
            }
            if (b < 0) {
                EOFException end = new EOFException("the site closed the connection without an answer");
                if (beforeAnswer && line.length() == 0) {
                    throw new Unanswered(end);
                }
                throw end;
            }
            if (b == '\n') {
                int last = line.length() - 1;
                return last >= 0 && line.charAt(last) == '\r' ? line.substring(0, last) : line.toString();
            }
            if (line.length() >= MAX_HEAD) {
                throw new IOException("the site's answer has a line longer than " + MAX_HEAD + " bytes");
            }
            line.append((char) b);
        }
    }
}
