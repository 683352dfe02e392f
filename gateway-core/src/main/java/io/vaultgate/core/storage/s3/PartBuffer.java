package io.vaultgate.core.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bytes of the one part an upload is filling, in memory until they are sent: the only copy of data
 * on its way to S3, and the only buffer an upload holds. It is a list of 1 MiB chunks taken as data
 * arrives and kept for the next part, so a small file costs one chunk, a large one at most its part
 * size rounded up to a MiB, and growing never copies.
 */
final class PartBuffer {

    static final int CHUNK = 1024 * 1024;

    private final PartMemory memory;
    private final int maxLength;
    private final List<byte[]> chunks = new ArrayList<>();
    private int length;

    /** @param maxLength the largest part this buffer holds */
    PartBuffer(PartMemory memory, int maxLength) {
        this.memory = memory;
        this.maxLength = maxLength;
    }

    int length() {
        return length;
    }

    /**
     * Copies {@code src}'s remaining bytes to {@code at}, which may be inside the data (an overwrite) or at
     * its end (an append), never beyond it.
     */
    void put(int at, ByteBuffer src) {
        if (at < 0 || at > length) {
            throw new IllegalArgumentException("write at " + at + " leaves a gap after " + length + " bytes");
        }
        int end = at + src.remaining();
        if (end > maxLength || end < 0) {
            throw new IllegalArgumentException("a part holds at most " + maxLength + " bytes, not " + end);
        }
        while (chunks.size() * (long) CHUNK < end) {
            memory.allocated(CHUNK);
            chunks.add(new byte[CHUNK]);
        }
        for (int pos = at; pos < end; ) {
            int within = pos % CHUNK;
            int n = Math.min(end - pos, CHUNK - within);
            src.get(chunks.get(pos / CHUNK), within, n);
            pos += n;
        }
        length = Math.max(length, end);
    }

    /** Copies up to {@code dst.remaining()} bytes from {@code at}; returns how many. */
    int get(int at, ByteBuffer dst) {
        int end = Math.min(length, at + dst.remaining());
        for (int pos = at; pos < end; ) {
            int within = pos % CHUNK;
            int n = Math.min(end - pos, CHUNK - within);
            dst.put(chunks.get(pos / CHUNK), within, n);
            pos += n;
        }
        return Math.max(0, end - at);
    }

    /** Replaces the contents with exactly {@code n} bytes read from {@code in} (a stored part coming back). */
    void fill(InputStream in, int n) throws IOException {
        clear();
        byte[] staging = new byte[64 * 1024];
        while (length < n) {
            int read = in.read(staging, 0, Math.min(staging.length, n - length));
            if (read < 0) {
                throw new EOFException("expected " + n + " bytes of a stored part, got " + length);
            }
            put(length, ByteBuffer.wrap(staging, 0, read));
        }
    }

    void truncate(int newLength) {
        length = Math.min(length, Math.max(0, newLength));
    }

    /** Empties the buffer, keeping its chunks for the next part. */
    void clear() {
        length = 0;
    }

    /** A stream over the current bytes; a new one on every call, so the SDK can retry a request. */
    InputStream content() {
        List<InputStream> pieces = new ArrayList<>();
        for (int pos = 0; pos < length; pos += CHUNK) {
            pieces.add(new ByteArrayInputStream(chunks.get(pos / CHUNK), 0, Math.min(CHUNK, length - pos)));
        }
        return new SequenceInputStream(Collections.enumeration(pieces));
    }

    /** Gives the memory back; the buffer is empty afterwards. */
    void release() {
        memory.released(chunks.size() * (long) CHUNK);
        chunks.clear();
        length = 0;
    }
}
