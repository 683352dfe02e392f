package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an idle HTTP/1.1 connection: one with no request in flight (just opened, or every request it sent read to
 * its body's end and answered, the last answer written) that receives no byte for the keep-alive timeout, so that
 * kept-alive connections nobody uses give their places in the listener's and their source's connection caps back, as
 * nginx's {@code keepalive_timeout} and Apache's {@code KeepAliveTimeout} do. Used by the HTTPS listener
 * ({@code https.keep-alive-timeout}) and the ops listener ({@code ops.idle-timeout}).
 *
 * <p>Only the time between requests is timed here. A byte of the next request stops the clock: a request head sent
 * slowly is bounded by the request-head deadline ({@link RequestHeaderTimeout}, counted from the connection's start
 * or the previous answer), a request body by the listener's own body timeouts, and a request being answered (a long
 * download, a request waiting for a blocking thread or the catalog) by nothing here, its answer's write by the
 * listener's write or idle timeout. The clock starts again when the last answer has been written, the last request's
 * body has been read to its end and no byte has arrived since. Informational answers ({@code 100 Continue}) are not
 * answers.
 *
 * <p>On a TLS connection the handshake is not a request: the clock, stopped by the handshake's first byte (a slow
 * handshake is the TLS handshake timeout's), starts again when the handshake has completed, so a client that
 * completes it and then sends nothing (a browser's preconnect, or silent connections holding a source's places) is
 * closed after the keep-alive timeout too, not at the request-head deadline.
 *
 * <p>A kept-alive answer (one not closing its connection, informational ones aside) tells the client the timeout in a
 * {@code Keep-Alive: timeout=<seconds>} header (whole seconds, rounded down; none under one second), as Apache does,
 * so that a client pooling connections longer stops reusing one the server is about to close.
 *
 * <p>Per connection; its handlers share its state, all on the connection's event loop: {@link #bytes()} first in
 * the pipeline, before TLS (every byte counts, handshake records included), {@link #tls()} just after TLS on a TLS
 * connection (the handshake's end, and decrypted bytes), and {@link #requests()} after the HTTP codec, where requests
 * and answers are whole. A byte received in the same read as the end of a request (its head, or its body's last
 * bytes) is not told apart from that request: a next request begun in that read and then stalled is closed at the
 * keep-alive timeout, not at the request-head deadline (it is closed either way). TLS records that carry no request
 * after the handshake (a client's key update) stop the clock as request bytes do; the request-head deadline then
 * closes the connection if nothing follows. On a connection that turns to HTTP/2, the handlers are removed and the
 * clock stops for good (HTTP/2 has its own).
 */
public final class KeepAliveTimeout {

    private static final Logger LOG = LoggerFactory.getLogger(KeepAliveTimeout.class);

    private final String listener;
    private final long timeoutNanos;
    /** The {@code Keep-Alive} header's value on kept-alive answers, or null when the timeout is under one second. */
    private final String advertised;
    private ScheduledFuture<?> timer;
    /** Requests whose head was read and whose final answer was not written yet. */
    private int unanswered;
    /** The last request's head was read, its body's end not yet. */
    private boolean bodyOpen;
    /** Bytes arrived after the last request's head or body end was read: a next request is under way. */
    private boolean bytesSinceRequest;
    /** The answer being written is informational (1xx): its end is not the request's answer. */
    private boolean informational;
    /** A decrypted byte arrived (on a TLS connection): the handshake's end no longer restarts the clock. */
    private boolean decrypted;
    /** One of the handlers was taken out of the pipeline (the connection turned to HTTP/2): never armed again. */
    private boolean removed;

    /**
     * @param listener names the listener in the log line of a close, e.g. {@code "https"}
     * @param timeout  how long a connection without a request in flight may stay silent
     */
    public KeepAliveTimeout(String listener, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(listener + " keep-alive timeout: must be positive, got " + timeout);
        }
        this.listener = listener;
        this.timeoutNanos = timeout.toNanos();
        this.advertised = timeout.toSeconds() > 0 ? "timeout=" + timeout.toSeconds() : null;
    }

    /** Sees every byte the client sends; the clock starts when the connection is active. */
    public ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                arm(ctx.channel());
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bytesSinceRequest = true;
                disarm();
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                disarm();
                ctx.fireChannelInactive();
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                stop();
            }
        };
    }

    /**
     * On a TLS connection, just after the TLS handler: starts the clock again when the handshake has completed (no
     * request can be in flight yet), and stops it on decrypted bytes (a request under way), which in the read that
     * completes the handshake may come after its end.
     */
    public ChannelHandler tls() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                decrypted = true;
                bytesSinceRequest = true;
                disarm();
                ctx.fireChannelRead(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess() && !decrypted
                        && unanswered == 0 && !bodyOpen) {
                    bytesSinceRequest = false;
                    arm(ctx.channel());
                }
                ctx.fireUserEventTriggered(event);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                stop();
            }
        };
    }

    /**
     * Counts the requests read to their body's end and the answers written; the clock starts once both are done and
     * nothing was read since.
     */
    public ChannelHandler requests() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    unanswered++;
                    bodyOpen = true;
                    bytesSinceRequest = false;
                }
                if (msg instanceof LastHttpContent && bodyOpen) {
                    bodyOpen = false;
                    bytesSinceRequest = false;
                    if (unanswered == 0) { // answered before its body ended (a refusal at the head), now read
                        arm(ctx.channel());
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpResponse response) {
                    informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
                    if (!informational && advertised != null && HttpUtil.isKeepAlive(response)) {
                        response.headers().set(HttpHeaderNames.KEEP_ALIVE, advertised);
                    }
                }
                if (msg instanceof LastHttpContent && !informational && unanswered > 0 && --unanswered == 0) {
                    promise = promise.unvoid();
                    promise.addListener(written -> {
                        if (written.isSuccess() && unanswered == 0 && !bodyOpen && !bytesSinceRequest) {
                            arm(ctx.channel());
                        }
                    });
                }
                ctx.write(msg, promise);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                stop();
            }
        };
    }

    private void arm(Channel channel) {
        disarm();
        if (removed || !channel.isActive()) {
            return;
        }
        timer = channel.eventLoop().schedule(() -> {
            LOG.debug("{} connection from {} closed: idle between requests for {} ms", listener,
                    ClientAddress.of(channel), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            channel.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void stop() {
        removed = true;
        disarm();
    }
}
