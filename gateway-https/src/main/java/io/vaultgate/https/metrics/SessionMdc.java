package io.vaultgate.https.metrics;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.slf4j.MDC;

/**
 * Puts the connection's session id ({@code session}: {@code https-} and Netty's short channel id) in the
 * logging MDC around every event it passes on, so each line the handlers after it log while handling the
 * connection names it; the core adds the transfer, tenant and login for calls on an upload or download.
 * It must run on the same executor as those handlers (events are then passed on in the same call). Previous
 * values are restored after each event. An id, never a secret.
 */
public final class SessionMdc extends ChannelDuplexHandler {

    public static final String KEY = "session";

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        String previous = enter(ctx);
        try {
            super.channelActive(ctx);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        String previous = enter(ctx);
        try {
            super.channelRead(ctx, msg);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        String previous = enter(ctx);
        try {
            super.channelReadComplete(ctx);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        String previous = enter(ctx);
        try {
            super.channelWritabilityChanged(ctx);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        String previous = enter(ctx);
        try {
            super.userEventTriggered(ctx, evt);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        String previous = enter(ctx);
        try {
            super.channelInactive(ctx);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        String previous = enter(ctx);
        try {
            super.exceptionCaught(ctx, cause);
        } finally {
            leave(previous);
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) throws Exception {
        String previous = enter(ctx);
        try {
            super.read(ctx);
        } finally {
            leave(previous);
        }
    }

    /**
     * The session id of a connection, as it appears in the logs; for a request on an HTTP/2 connection, the
     * connection's id and the stream's ({@code https-1a2b3c4d-s5}).
     */
    public static String sessionId(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof Http2StreamChannel stream) {
            return "https-" + stream.parent().id().asShortText() + "-s" + stream.stream().id();
        }
        return "https-" + ctx.channel().id().asShortText();
    }

    private static String enter(ChannelHandlerContext ctx) {
        String previous = MDC.get(KEY);
        MDC.put(KEY, sessionId(ctx));
        return previous;
    }

    private static void leave(String previous) {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
