package io.vaultgate.https.receiver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One clear log line for every refused handshake (untrusted, expired or missing client certificate). */
final class HandshakeLog extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeLog.class);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            LOG.warn("receiver: TLS handshake with {} refused, nothing received: {}", ctx.channel().remoteAddress(),
                    describe(completion.cause()));
        }
        super.userEventTriggered(ctx, event);
    }

    /** The most specific message of a failure and its causes (OpenSSL puts the reason in the innermost one). */
    static String describe(Throwable failure) {
        String message = String.valueOf(failure);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.DecoderException) {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
