package io.vaultgate.core.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 {@code PUT} to a site on a kept-alive connection: the request head, the body streamed from
 * its source in 64 KiB writes straight into the TLS socket (read ahead on another thread, {@link ReadAhead},
 * so that decrypting the file and encrypting for TLS overlap; the head goes out in the same write as the
 * first chunk, so one TLS record and one system call fewer per file), then the answer (status, headers, the
 * first 200 characters of its body; the rest is read and dropped so that the connection can carry the next
 * request). Redirects are answers like any other (never followed); no {@code Expect: 100-continue}.
 *
 * <p>Between the last byte of the body and the answer the caller may do other work ({@code whileAwaiting}:
 * the forwarder prepares its next file there), while the site stores this one.
 *
 * <p>The whole exchange has one deadline: the connection is closed when it passes. A connection taken
 * from the idle pool that fails before any byte of an answer arrived (the site closed it meanwhile) is
 * replaced by a new one and the request sent again: the protocol's idempotency key makes that safe.
 */
final class Http1Put {

    /**
     * A site's answer: status, header fields by lower-case name (first value), the start of its body, and
     * the fingerprint of the certificate the site presented on that connection.
     */
    record Answer(int status, Map<String, String> headers, String excerpt, Optional<String> siteCertificateSha256) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        Answer from(SiteConnection connection) {
            return new Answer(status, headers, excerpt, Optional.of(connection.siteCertificateSha256()));
        }
    }

    /** The connection could not be used (it failed before the answer began). */
    static final class Unanswered extends IOException {
        Unanswered(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reading the body from its source failed (not the connection): the request is not sent again. */
    static final class SourceFailed extends IOException {
        SourceFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    static final int CHUNK = 64 * 1024;
    private static final int EXCERPT = 200;
    private static final int MAX_HEAD = 64 * 1024;
    /** An answer body longer than this is not read to its end; the connection is closed instead. */
    private static final long MAX_DRAIN = 1 << 20;
    private static final Duration EARLY_ANSWER_WAIT = Duration.ofSeconds(2);

    private final ScheduledExecutorService timer;

    Http1Put(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Sends {@code head} (the header fields after {@code Host}, without {@code Content-Length}) and
     * {@code body} to {@code target}, the request path, by {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @throws SocketTimeoutException when the deadline passed
     * @throws IOException when the connection failed before an answer arrived
     */
    Answer send(SiteConnections site, String target, Map<String, String> head, PreparedBody body, long deadlineNanos)
            throws IOException {
        return send(site, target, head, body, deadlineNanos, () -> { });
    }

    /**
     * Like {@link #send(SiteConnections, String, Map, PreparedBody, long)}, running {@code whileAwaiting} once,
     * after the whole request was written and before its answer is read (not at all if the site answered
     * early). Its time counts against the deadline; it must not throw.
     */
    Answer send(SiteConnections site, String target, Map<String, String> head, PreparedBody body, long deadlineNanos,
                Runnable whileAwaiting) throws IOException {
        byte[] request = head(site.authority(), target, head, body.size());
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public void run() {
                if (!ran) {
                    ran = true;
                    whileAwaiting.run();
                }
            }
        };
        SiteConnection reused = site.reuse();
        if (reused != null) {
            try {
                return exchange(site, reused, request, body, deadlineNanos, once);
            } catch (Unanswered stale) {
                // the site closed the idle connection; a new one below
            }
        }
        try {
            return exchange(site, site.open(), request, body, deadlineNanos, once);
        } catch (Unanswered failed) {
            throw (IOException) failed.getCause();
        }
    }

    private Answer exchange(SiteConnections site, SiteConnection connection, byte[] request, PreparedBody body,
                            long deadlineNanos, Runnable whileAwaiting) throws IOException {
        ScheduledFuture<?> deadline = connection.closeAt(timer, deadlineNanos);
        boolean reusable = false;
        try {
            OutputStream out = connection.out();
            try {
                writeRequest(out, request, body);
                out.flush();
            } catch (SourceFailed e) {
                throw e;
            } catch (IOException writing) {
                if (connection.timedOut()) {
                    throw timeout(deadlineNanos);
                }
                return earlyAnswer(connection, writing);
            }
            whileAwaiting.run();
            Reading answer;
            try {
                connection.readTimeout(Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime())));
                answer = read(connection.in(), true);
            } catch (IOException e) {
                throw connection.timedOut() ? timeout(deadlineNanos) : e;
            }
            reusable = answer.reusable();
            return answer.answer().from(connection);
        } finally {
            deadline.cancel(false);
            if (reusable && !connection.timedOut()) {
                site.giveBack(connection);
            } else {
                connection.closeQuietly();
            }
        }
    }

    /** A site may answer (and close) before it has read the whole body, e.g. a refusal on the headers. */
    private static Answer earlyAnswer(SiteConnection connection, IOException writing) throws IOException {
        try {
            connection.readTimeout(EARLY_ANSWER_WAIT);
            return read(connection.in(), false).answer().from(connection);
        } catch (SSLException alert) {
            throw new Unanswered(alert); // the site's TLS alert says more than the broken pipe
        } catch (IOException none) {
            throw new Unanswered(writing);
        }
    }

    /** The head and the body; the head goes out in one write with the body's first chunk. */
    private static void writeRequest(OutputStream out, byte[] head, PreparedBody body) throws IOException {
        Optional<ReadAhead> started = body.readAhead();
        if (started.isPresent()) {
            try (ReadAhead ahead = started.get()) {
                byte[] pending = head;
                for (ByteBuffer chunk = next(ahead); chunk != null; chunk = next(ahead)) {
                    pending = write(out, pending, chunk);
                    ahead.recycle(chunk);
                }
                if (pending != null) {
                    out.write(pending);
                }
            }
            return;
        }
        BodySource source = body.source();
        long size = source.size();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK, size)));
        byte[] pending = head;
        long position = 0;
        while (position < size) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), size - position));
            while (chunk.hasRemaining()) {
                int read;
                try {
                    read = source.read(position + chunk.position(), chunk);
                } catch (IOException e) {
                    throw new SourceFailed(e);
                }
                if (read < 0) {
                    throw new SourceFailed(new EOFException("the body ended at " + (position + chunk.position())
                            + " of " + size));
                }
            }
            position += chunk.position();
            pending = write(out, pending, chunk.flip());
        }
        if (pending != null) {
            out.write(pending);
        }
    }

    /** Writes {@code chunk} (position to limit), preceded by {@code head} unless null; returns null (nothing pending). */
    private static byte[] write(OutputStream out, byte[] head, ByteBuffer chunk) throws IOException {
        if (head == null) {
            out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            return null;
        }
        byte[] first = new byte[head.length + chunk.remaining()];
        System.arraycopy(head, 0, first, 0, head.length);
        chunk.get(first, head.length, chunk.remaining());
        out.write(first);
        return null;
    }

    private static ByteBuffer next(ReadAhead ahead) throws SourceFailed {
        try {
            return ahead.next();
        } catch (IOException e) {
            throw new SourceFailed(e);
        }
    }

    private static byte[] head(String authority, String target, Map<String, String> fields, long length) {
        StringBuilder head = new StringBuilder(512).append("PUT ").append(checked(target)).append(" HTTP/1.1\r\n")
                .append("Host: ").append(checked(authority)).append("\r\n");
        fields.forEach((name, value) -> head.append(checked(name)).append(": ").append(checked(value)).append("\r\n"));
        head.append("Content-Length: ").append(length).append("\r\nUser-Agent: vaultgate-forwarder\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Header values are the gateway's own (ids, base64, percent-encoded paths); refuse anything that is not. */
    private static String checked(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("a request header carries a character outside printable ASCII");
            }
        }
        return value;
    }

    private record Reading(Answer answer, boolean reusable) {
    }

    /**
     * Reads one final answer (1xx interim answers skipped). {@code beforeAnswer}: an end of stream before
     * its first byte is {@link Unanswered}.
     */
    private static Reading read(InputStream in, boolean beforeAnswer) throws IOException {
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
        return new Reading(new Answer(code, Map.copyOf(headers), body.excerpt(), Optional.empty()),
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

    private static SocketTimeoutException timeout(long deadlineNanos) {
        return new SocketTimeoutException("no complete answer by the request's deadline");
    }
}
