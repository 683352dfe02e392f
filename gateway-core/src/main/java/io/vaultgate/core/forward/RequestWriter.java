package io.vaultgate.core.forward;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Writes one HTTP/1.1 {@code PUT}: the head (with {@code Content-Length}, never chunked, no
 * {@code Expect: 100-continue}) and the body in chunks of {@link #CHUNK} bytes, taken from the body's
 * read-ahead ({@link ReadAhead}) or, without one, read here. The head goes out in the same write as the
 * first chunk: one TLS record and one system call fewer per file.
 */
final class RequestWriter {

    static final int CHUNK = 64 * 1024;

    /** Run before each write of the body but the first (the head's); throws to stop sending. */
    @FunctionalInterface
    interface BetweenWrites {
        void check() throws IOException;
    }

    private RequestWriter() {
    }

    /**
     * The request head for {@code target} on {@code authority}: {@code fields} (the gateway's own values)
     * after {@code Host}, then {@code Content-Length} and {@code User-Agent}.
     *
     * @throws IllegalArgumentException if a name or value holds a character outside printable ASCII
     */
    static byte[] head(String authority, String target, Map<String, String> fields, long length) {
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

    /**
     * Writes {@code head} and the body; the head in one write with the body's first chunk, {@code between}
     * before each later write (the last included).
     *
     * @throws SourceFailed when reading the body failed (the connection may still be fine)
     * @throws IOException when writing to the connection failed, or what {@code between} threw
     */
    static void write(OutputStream out, byte[] head, PreparedBody body, BetweenWrites between) throws IOException {
        Optional<ReadAhead> started = body.readAhead();
        if (started.isPresent()) {
            try (ReadAhead ahead = started.get()) {
                byte[] pending = head;
                for (ByteBuffer chunk = next(ahead); chunk != null; chunk = next(ahead)) {
                    pending = write(out, pending, chunk, between);
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
            pending = write(out, pending, chunk.flip(), between);
        }
        if (pending != null) {
            out.write(pending);
        }
    }

    /**
     * Writes {@code chunk} (position to limit), preceded by {@code head} unless null, else after
     * {@code between}; returns null (nothing pending).
     */
    private static byte[] write(OutputStream out, byte[] head, ByteBuffer chunk, BetweenWrites between)
            throws IOException {
        if (head == null) {
            between.check();
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
}
