package io.vaultgate.https.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vaultgate.https.http.ClientAddress;
import io.vaultgate.https.http.HeadWait;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection-level timeouts of an HTTP/2 connection, which on HTTP/1.1 the API handler, the request header
 * timeout and the keep-alive timeout enforce: a connection idle for the idle timeout (no reads, no writes) is closed,
 * and so is one that has no stream open for {@code requestTimeout} (the keep-alive timeout, at most the request-head
 * deadline), whatever else it sends meanwhile (PING, SETTINGS, WINDOW_UPDATE frames do not keep it). A stream only
 * opens once its whole header block arrived, so this also cuts off a client that trickles a request head (slowloris
 * over HTTP/2), and a kept-alive connection without requests gives its places in the connection caps back as an
 * HTTP/1.1 one does. The close passes through the HTTP/2 codec, which sends GOAWAY (NO_ERROR, the last stream it
 * took) before closing. Runs on the connection's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Http2Connection connection;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    ConnectionGuard(Http2Connection connection, Duration requestTimeout) {
        this.connection = connection;
        this.timeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                disarm();
                HeadWait.busy(ctx.channel());
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (connection.numActiveStreams() == 0) {
                    arm();
                }
            }
        });
        if (connection.numActiveStreams() == 0) {
            arm();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof IdleStateEvent) {
            context.close();
        }
        context.fireUserEventTriggered(event);
    }

    /**
     * What the HTTP/1.1 API handler does for its connection: a broken connection (a reset, a TLS error) is closed.
     * A protocol error is the codec's to answer (a GOAWAY with its code, such as ENHANCE_YOUR_CALM for a reset
     * flood, then the close); stream errors never get here (the multiplexer hands them to their stream).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("HTTP/2 connection from {}: {}", ClientAddress.of(context.channel()), cause.toString());
        if (!(cause instanceof Http2Exception)) {
            context.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        disarm();
        context.fireChannelInactive();
    }

    /** Starts the no-stream timeout; the connection waits for a request (evictable at a cap, as on HTTP/1.1). */
    private void arm() {
        disarm();
        HeadWait.waiting(ctx.channel());
        if (ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> {
                LOG.debug("HTTP/2 connection {} closed: no request for {} ms", ctx.channel(), timeoutNanos / 1_000_000);
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
