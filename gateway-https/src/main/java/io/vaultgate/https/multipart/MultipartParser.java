package io.vaultgate.https.multipart;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vaultgate.https.http.HttpProblem;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578, RFC 2046 section 5.1). Body bytes are passed
 * on as soon as they cannot be the start of the next delimiter, so memory stays at one network chunk plus
 * a delimiter's length whatever the part size; nothing is written anywhere by the parser itself.
 */
public final class MultipartParser {

    /** Receives the parts in order; {@link #partData} slices are valid only during the call. */
    public interface Listener {
        /** @param headers the part's headers, names in lower case */
        void partStarted(Map<String, String> headers);

        void partData(ByteBuf data);

        void partEnded();
    }

    static final int MAX_PART_HEADER_BYTES = 8 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, EPILOGUE }

    private final byte[] delimiter;
    private final Listener listener;
    private final ByteBuf buffer;
    private State state = State.PREAMBLE;

    public MultipartParser(String boundary, Listener listener, ByteBufAllocator allocator) {
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw HttpProblem.badRequest("multipart boundary must have 1 to 70 characters");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.listener = listener;
        this.buffer = allocator.buffer(16 * 1024);
        buffer.writeBytes(CRLF); // the first delimiter has no CRLF before it
    }

    public void feed(ByteBuf chunk) {
        buffer.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case PREAMBLE -> skipPreamble();
                case AFTER_DELIMITER -> afterDelimiter();
                case HEADERS -> headers();
                case BODY -> body();
                case EPILOGUE -> {
                    buffer.skipBytes(buffer.readableBytes());
                    yield false;
                }
            };
        }
        buffer.discardSomeReadBytes();
    }

    /** Checks that the closing delimiter was seen. */
    public void finish() {
        if (state != State.EPILOGUE) {
            throw HttpProblem.badRequest("multipart body ended before its closing boundary");
        }
    }

    public void release() {
        buffer.release();
    }

    private boolean skipPreamble() {
        int at = indexOf(delimiter);
        if (at < 0) {
            buffer.skipBytes(Math.max(0, buffer.readableBytes() - (delimiter.length - 1)));
            return false;
        }
        buffer.readerIndex(at + delimiter.length);
        state = State.AFTER_DELIMITER;
        return true;
    }

    private boolean afterDelimiter() {
        if (buffer.readableBytes() < 2) {
            return false;
        }
        int start = buffer.readerIndex();
        if (buffer.getByte(start) == '-' && buffer.getByte(start + 1) == '-') {
            state = State.EPILOGUE;
            return true;
        }
        int eol = indexOf(CRLF);
        if (eol < 0) {
            if (buffer.readableBytes() > 256) {
                throw HttpProblem.badRequest("malformed multipart delimiter line");
            }
            return false;
        }
        for (int i = start; i < eol; i++) {
            if (buffer.getByte(i) != ' ' && buffer.getByte(i) != '\t') {
                throw HttpProblem.badRequest("malformed multipart delimiter line");
            }
        }
        buffer.readerIndex(eol + 2);
        state = State.HEADERS;
        return true;
    }

    private boolean headers() {
        int start = buffer.readerIndex();
        boolean none = startsWith(CRLF);
        int end = none ? start : indexOf(HEADER_END);
        if (end < 0) {
            if (buffer.readableBytes() > MAX_PART_HEADER_BYTES) {
                throw HttpProblem.badRequest("multipart part headers are larger than " + MAX_PART_HEADER_BYTES + " bytes");
            }
            return false;
        }
        Map<String, String> headers = new HashMap<>();
        if (!none) {
            for (String line : buffer.toString(start, end - start, StandardCharsets.UTF_8).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw HttpProblem.badRequest("malformed multipart part header");
                }
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        buffer.readerIndex(none ? start + 2 : end + 4);
        state = State.BODY;
        listener.partStarted(headers);
        return true;
    }

    private boolean body() {
        int at = indexOf(delimiter);
        if (at >= 0) {
            emit(at - buffer.readerIndex());
            buffer.skipBytes(delimiter.length);
            state = State.AFTER_DELIMITER;
            listener.partEnded();
            return true;
        }
        emit(buffer.readableBytes() - (delimiter.length - 1));
        return false;
    }

    private void emit(int length) {
        if (length > 0) {
            listener.partData(buffer.readSlice(length));
        }
    }

    private boolean startsWith(byte[] bytes) {
        if (buffer.readableBytes() < bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (buffer.getByte(buffer.readerIndex() + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Absolute index of {@code needle} in the readable bytes, or -1. */
    private int indexOf(byte[] needle) {
        int last = buffer.writerIndex() - needle.length;
        int from = buffer.readerIndex();
        while (from <= last) {
            int candidate = buffer.indexOf(from, last + 1, needle[0]);
            if (candidate < 0) {
                return -1;
            }
            int i = 1;
            while (i < needle.length && buffer.getByte(candidate + i) == needle[i]) {
                i++;
            }
            if (i == needle.length) {
                return candidate;
            }
            from = candidate + 1;
        }
        return -1;
    }
}
