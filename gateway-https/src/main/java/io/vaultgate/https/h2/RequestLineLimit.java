package io.vaultgate.https.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The request-line limit of HTTP/1.1 for a request that came over HTTP/2, where the path is a header: a request
 * whose path is longer than {@code maxUriLength} is marked as failed to decode, exactly as the HTTP/1.1 decoder
 * marks a long request line, so the API handler answers it {@code 414} the same way.
 */
final class RequestLineLimit extends ChannelInboundHandlerAdapter {

    private final int maxUriLength;

    RequestLineLimit(int maxUriLength) {
        this.maxUriLength = maxUriLength;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
                && request.method().name().length() + request.uri().length() + 10 > maxUriLength) {
            request.setDecoderResult(DecoderResult.failure(
                    new TooLongHttpLineException("the request path is longer than " + maxUriLength + " bytes")));
        }
        ctx.fireChannelRead(msg);
    }
}
