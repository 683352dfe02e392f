package io.vaultgate.https.files;

import io.netty.buffer.ByteBuf;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Writes request body chunks into an {@link Upload} at a running offset, refusing to go past a limit.
 *
 * <p>A chunk in heap memory is handed to the core as it is. A chunk in direct memory (what the TLS handler
 * decrypts into) is first copied, {@link #PIECE_BYTES} at a time, into a heap array of the calling thread:
 * the JDK hashes and encrypts arrays with its intrinsics straight away, but a direct buffer is hashed through a
 * 4 KiB staging copy in {@code MessageDigest} and takes slower paths in AES-GCM, so one copy that stays in the
 * CPU cache is cheaper than none. The core reads a buffer only during {@code write} (bytes it keeps, it copies),
 * so the array is reused for the next piece. The caller releases the chunk afterwards.
 */
public final class BodyWriter {

    /** The size of the heap pieces direct chunks are copied into: one envelope segment. */
    static final int PIECE_BYTES = 64 * 1024;

    /** One array per thread that writes bodies (the blocking executor's threads): memory does not grow with uploads. */
    private static final ThreadLocal<byte[]> PIECE = ThreadLocal.withInitial(() -> new byte[PIECE_BYTES]);

    private final Upload upload;
    private final long limit;
    private final Consumer<ByteBuffer> observer;
    private long offset;

    /**
     * @param offset   where the first byte goes
     * @param limit    the largest offset the body may end at
     * @param observer sees every buffer before it is written (e.g. a digest); must not move its position
     */
    public BodyWriter(Upload upload, long offset, long limit, Consumer<ByteBuffer> observer) {
        this.upload = upload;
        this.offset = offset;
        this.limit = limit;
        this.observer = observer;
    }

    public void write(ByteBuf chunk) {
        int length = chunk.readableBytes();
        if (length == 0) {
            return;
        }
        if (length > limit - offset) {
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
                    "request body is larger than allowed (" + limit + " bytes)");
        }
        if (chunk.hasArray()) {
            write(ByteBuffer.wrap(chunk.array(), chunk.arrayOffset() + chunk.readerIndex(), length));
            return;
        }
        byte[] piece = PIECE.get();
        for (int from = chunk.readerIndex(), end = from + length; from < end; ) {
            int n = Math.min(piece.length, end - from);
            chunk.getBytes(from, piece, 0, n);
            write(ByteBuffer.wrap(piece, 0, n));
            from += n;
        }
    }

    private void write(ByteBuffer buffer) {
        observer.accept(buffer.duplicate());
        int remaining = buffer.remaining();
        upload.write(offset, buffer);
        offset += remaining;
    }

    public long offset() {
        return offset;
    }
}
