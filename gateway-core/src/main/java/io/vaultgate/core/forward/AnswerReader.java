package io.vaultgate.core.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
        String status;
        Map<String, String> headers;
        do {
            status = line(in, beforeAnswer);
            beforeAnswer = false;
            headers = new LinkedHashMap<>();
            int total = status.length();
            for (String line = line(in, false); !line.isEmpty(); line = line(in, false)) {
                total += line.length();
                if (total > MAX_HEAD) {
                    throw new IOException("the site's answer head is longer than " + MAX_HEAD + " bytes");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
        } while (code(status) / 100 == 1);
        int code = code(status);
        boolean keepAlive = status.startsWith("HTTP/1.1")
                && !"close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        Body body = readBody(in, code, headers);
        return new Reading(new SiteAnswer(code, Map.copyOf(headers), body.excerpt(), Optional.empty()),
                keepAlive && body.complete());
    }

    private record Body(String excerpt, boolean complete) {
    }

    private static Body readBody(InputStream in, int code, Map<String, String> headers) throws IOException {
        if (code == 204 || code == 304) {
            return new Body("", true);
        }
        Excerpt excerpt = new Excerpt();
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            for (long size = chunkSize(line(in, false)); size > 0; size = chunkSize(line(in, false))) {
                if (!excerpt.drain(in, size)) {
                    return new Body(excerpt.text(), false);
                }
                line(in, false);
            }
            for (String trailer = line(in, false); !trailer.isEmpty(); trailer = line(in, false)) {
                // trailers are ignored
            }
            return new Body(excerpt.text(), true);
        }
        String length = headers.get("content-length");
        if (length != null) {
            long size;
            try {
                size = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("the site answered an invalid Content-Length");
            }
            boolean complete = excerpt.drain(in, size);
            return new Body(excerpt.text(), complete);
        }
        excerpt.drain(in, MAX_DRAIN);
        return new Body(excerpt.text(), false);
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

    private static int code(String status) throws IOException {
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("the site did not answer HTTP/1.1: " + status.substring(0, Math.min(40,
                    status.length())));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the site answered an invalid status line");
        }
    }

    private static long chunkSize(String line) throws IOException {
        int end = line.indexOf(';');
        try {
            return Long.parseLong((end < 0 ? line : line.substring(0, end)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("the site answered an invalid chunk size");
        }
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
