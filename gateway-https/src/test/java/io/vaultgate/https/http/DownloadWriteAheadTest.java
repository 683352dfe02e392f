package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.vaultgate.https.files.FileContentInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A download on an HTTP/1.1 connection may run ahead of the socket by more than one chunk, so the next chunk is
 * decrypted while the network thread encrypts and sends the one before ({@link Reply#stream}); the connection's
 * own water marks come back once the body was written.
 */
class DownloadWriteAheadTest {

    private static final int CHUNKS = 3;

    @Test
    void whileABodyStreams_theConnectionTakesAtLeastTwoChunksAhead_andItsWaterMarksComeBackAfterwards() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new ChannelInboundHandlerAdapter());
        WriteBufferWaterMark before = channel.config().getWriteBufferWaterMark();
        ChannelHandlerContext api = channel.pipeline().lastContext();
        Recording body = new Recording(channel);

        new Reply(api, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/files/inbox/f"))
                .stream(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), new HttpChunkedInput(body));
        channel.runPendingTasks();

        assertThat(body.highWaterMarks).hasSize(CHUNKS)
                .allSatisfy(high -> assertThat(high).isGreaterThanOrEqualTo(2 * FileContentInput.CHUNK_SIZE));
        assertThat(channel.config().getWriteBufferWaterMark()).isEqualTo(before);
        assertThat(written(channel)).isEqualTo(CHUNKS);
        channel.finishAndReleaseAll();
    }

    private static int written(EmbeddedChannel channel) {
        int chunks = 0;
        Object message;
        while ((message = channel.readOutbound()) != null) {
            if (message instanceof HttpContent content && !(message instanceof LastHttpContent)) {
                chunks++;
            } else if (!(message instanceof HttpResponse) && !(message instanceof LastHttpContent)) {
                throw new AssertionError("unexpected " + message);
            }
            io.netty.util.ReferenceCountUtil.release(message);
        }
        return chunks;
    }

    /** {@value #CHUNKS} small chunks; records the connection's high water mark as each is read. */
    private static final class Recording implements ChunkedInput<ByteBuf> {
        final List<Integer> highWaterMarks = new ArrayList<>();
        private final EmbeddedChannel channel;
        private int read;

        Recording(EmbeddedChannel channel) {
            this.channel = channel;
        }

        @Override
        public boolean isEndOfInput() {
            return read == CHUNKS;
        }

        @Override
        public void close() {
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) {
            if (isEndOfInput()) {
                return null;
            }
            highWaterMarks.add(channel.config().getWriteBufferHighWaterMark());
            read++;
            return allocator.buffer(8).writeLong(read);
        }

        @Override
        public long length() {
            return CHUNKS * 8L;
        }

        @Override
        public long progress() {
            return read * 8L;
        }
    }
}
