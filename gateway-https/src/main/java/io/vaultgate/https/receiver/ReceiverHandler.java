package io.vaultgate.https.receiver;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vaultgate.core.forward.ForwardProtocol;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests. A file's body streams to a temporary file as it arrives (memory is one
 * chunk); at its end the digest is checked and the file published. A request refused on its headers
 * (bad header, duplicate, conflict) has its body read and discarded, then gets its answer, so the
 * connection stays usable; a body over the size limit is answered at once and the connection closed.
 */
final class ReceiverHandler extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverHandler.class);

    private final ReceivedFiles files;
    private Exchange exchange;

    ReceiverHandler(ReceivedFiles files) {
        this.files = files;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (message instanceof HttpRequest request) {
            closeExchange();
            if (!request.decoderResult().isSuccess()) {
                answer(ctx, new Answer(HttpResponseStatus.BAD_REQUEST, "malformed request\n", null), false);
                return;
            }
            exchange = files.begin(request, ReceiverPeer.describe(ctx));
        }
        if (message instanceof HttpContent content && exchange != null) {
            try {
                exchange.content(content.content());
            } catch (ReceiverProblem problem) {
                closeExchange();
                answer(ctx, Answer.refused(problem), false);
                return;
            }
            if (content instanceof LastHttpContent) {
                Answer answer = exchange.finish();
                boolean keepAlive = exchange.keepAlive();
                exchange = null;
                answer(ctx, answer, keepAlive);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeExchange();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeExchange();
        LOG.warn("receiver: connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void closeExchange() {
        if (exchange != null) {
            exchange.close();
            exchange = null;
        }
    }

    private static void answer(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.digest() == null
                ? "text/plain; charset=utf-8" : "application/json");
        if (answer.digest() != null) {
            response.headers().set(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(answer.digest()));
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One request being handled; {@link ReceivedFiles} makes them. */
    interface Exchange extends AutoCloseable {
        void content(io.netty.buffer.ByteBuf chunk) throws ReceiverProblem;

        Answer finish();

        boolean keepAlive();

        @Override
        void close();
    }

    /** A response: status, body, and the digest to answer (null for a refusal). */
    record Answer(HttpResponseStatus status, String body, String digest) {
        static Answer refused(ReceiverProblem problem) {
            return new Answer(problem.status(), problem.getMessage() + "\n", null);
        }
    }
}
