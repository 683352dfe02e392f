package io.vaultgate.server.ops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an idle ops connection: one with no request in flight (just opened, or every request it sent answered and
 * the last answer written) that receives no byte for the idle timeout ({@code ops.idle-timeout}), so that kept-alive
 * connections nobody uses give their places in the listener's and their source's connection caps back, as nginx's
 * {@code keepalive_timeout} and Apache's {@code KeepAliveTimeout} do.
 *
 * <p>Only the time between requests is timed here. A byte of the next request stops the clock: a request head sent
 * slowly is bounded by the request-head deadline ({@code RequestHeaderTimeout}, 10 s from the connection's start or
 * the previous answer), and a request being answered (a large scrape, a readiness check waiting for the catalog) by
 * nothing here, its answer's write by the write timeout. The clock starts again when the last answer has been written
 * and no byte has arrived since the last request head was read.
 *
 * <p>Per connection; two handlers share its state, both on the connection's event loop: {@link #bytes()} first in
 * the pipeline, before TLS (every byte counts, handshake records included), and {@link #requests()} after the HTTP
 * codec, where requests and answers are whole. A byte received in the same read as the end of a request head is not
 * told apart from that head: a next request begun in that read and then stalled is closed at the idle timeout, not at
 * the request-head deadline (it is closed either way).
 */
final class KeepAliveTimeout {

    private static final Logger LOG = LoggerFactory.getLogger(KeepAliveTimeout.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    /** Requests read and not answered yet. */
    private int unanswered;
    /** Bytes arrived after the last request head was read: a next request is under way. */
    private boolean bytesSinceHead;

    KeepAliveTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Sees every byte the client sends; the clock starts when the connection is active. */
    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                arm(ctx.channel());
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bytesSinceHead = true;
                disarm();
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                disarm();
                ctx.fireChannelInactive();
            }
        };
    }

    /** Counts the requests read and the answers written; the clock starts once the last answer is written. */
    ChannelHandler requests() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    unanswered++;
                    bytesSinceHead = false;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof LastHttpContent && unanswered > 0 && --unanswered == 0) {
                    promise = promise.unvoid();
                    promise.addListener(written -> {
                        if (written.isSuccess() && unanswered == 0 && !bytesSinceHead) {
                            arm(ctx.channel());
                        }
                    });
                }
                ctx.write(msg, promise);
            }
        };
    }

    private void arm(Channel channel) {
        disarm();
        if (!channel.isActive()) {
            return;
        }
        timer = channel.eventLoop().schedule(() -> {
            LOG.debug("ops connection from {} closed: idle for {} ms", channel.remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            channel.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
