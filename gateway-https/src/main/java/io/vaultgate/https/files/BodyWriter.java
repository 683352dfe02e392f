package io.vaultgate.https.files;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.https.http.HttpProblem;
import java.nio.ByteBuffer;

/**
 * Writes request body chunks into an {@link Upload} at a running offset, refusing to go past a limit.
 * The chunk's memory is handed to the core without copying; the caller releases it afterwards.
 */
public final class BodyWriter {

    private final Upload upload;
    private final long limit;
    private final java.util.function.Consumer<ByteBuffer> observer;
    private long offset;

    /**
     * @param offset   where the first byte goes
     * @param limit    the largest offset the body may end at
     * @param observer sees every buffer before it is written (e.g. a digest); must not move its position
     */
    public BodyWriter(Upload upload, long offset, long limit, java.util.function.Consumer<ByteBuffer> observer) {
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
            throw new HttpProblem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload-too-large",
                    "request body is larger than allowed (" + limit + " bytes)");
        }
        for (ByteBuffer buffer : chunk.nioBuffers()) {
            observer.accept(buffer.duplicate());
            int remaining = buffer.remaining();
            upload.write(offset, buffer);
            offset += remaining;
        }
    }

    public long offset() {
        return offset;
    }
}
