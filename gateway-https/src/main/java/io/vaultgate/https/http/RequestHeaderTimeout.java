package io.vaultgate.https.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off clients that send request headers too slowly (slowloris): the headers of each request must be
 * complete within the timeout, counted from the connection's start and from the end of each final
 * response. A body in progress is not timed here (the idle timeout covers a stalled body), and neither is
 * a request the server is still working on: with pipelined requests, the clock starts only once every request
 * received has been answered. While its clock runs, the connection waits for a request head as {@link ConnectionLimit}
 * sees it ({@link HeadWait}): a source at its cap may have it closed for a new connection.
 */
public final class RequestHeaderTimeout extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean informational;
    /** Requests received and not answered yet. */
    private int unanswered;

    public RequestHeaderTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    /** Removed when the connection turns out to speak HTTP/2 (which has its own timeout): the clock stops. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
        HeadWait.busy(ctx.channel());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
            disarm();
            HeadWait.busy(ctx.channel());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            informational = response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent && !informational) {
            unanswered = Math.max(0, unanswered - 1);
            if (unanswered == 0) {
                promise = promise.unvoid();
                promise.addListener(done -> {
                    if (unanswered == 0) {
                        arm(ctx);
                    }
                });
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        HeadWait.waiting(ctx.channel());
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
