package io.vaultgate.server.ops;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vaultgate.https.http.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the ops listener, on its network thread: reads each request head (the decoder has already
 * bounded its size, {@code RequestHeaderTimeout} its time), refuses what the endpoints do not take (anything but
 * {@code GET} and {@code HEAD}: 405; a body: 413), and answers from its {@link Route}: at once for the ones that
 * answer from memory, on {@code workers} for the ones that read the catalog, the answer then written back from the
 * network thread. Requests of one connection are answered in order, one at a time; a few may wait (pipelining).
 * Every answer carries {@code Content-Type}, {@code Cache-Control: no-store} and {@code X-Content-Type-Options:
 * nosniff}; a {@code HEAD} gets the headers of the {@code GET} without its body.
 */
final class OpsHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(OpsHandler.class);

    /** Requests a client may send ahead while one is being answered; one more closes the connection. */
    static final int MAX_PIPELINED = 4;
    /**
     * A refused request's body up to this size is read and dropped before the answer, so that closing the connection
     * does not reset it under the client's feet (the answer lost); a longer one is answered at once.
     */
    static final long MAX_DISCARDED_BODY = 64 * 1024;

    static final Reply BUSY = Reply.text(503, "the ops listener is busy; try again\n").withHeader("Retry-After", "1");
    private static final Reply NOT_FOUND = Reply.text(404, "not found\n");
    private static final Reply FAILED = Reply.text(500, "the request failed; see the gateway's log\n");

    private final Map<String, Route> routes;
    private final Executor workers;
    private final Duration requestTimeout;
    private final ArrayDeque<HttpRequest> waiting = new ArrayDeque<>();
    /** A request is being answered: the next ones wait. */
    private boolean answering;
    /** Set once the connection is to be closed: whatever else arrives is dropped. */
    private boolean closing;
    /** A refused request whose body is being read and dropped, and its answer, written at the body's end. */
    private HttpRequest refused;
    private Reply refusal;
    private ScheduledFuture<?> bodyDeadline;

    OpsHandler(Map<String, Route> routes, Executor workers, Duration requestTimeout) {
        this.routes = routes;
        this.workers = workers;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing) {
                return;
            }
            if (msg instanceof HttpRequest request) {
                if (answering || refused != null) {
                    if (waiting.size() >= MAX_PIPELINED) {
                        closing = true;
                        ctx.close();
                        return;
                    }
                    waiting.add(request);
                } else {
                    accept(ctx, request);
                }
            }
            if (msg instanceof LastHttpContent && refused != null && !(msg instanceof HttpRequest)) {
                bodyDeadline.cancel(false);
                HttpRequest request = refused;
                refused = null;
                answer(ctx, request, refusal);
            }
        } finally {
            ReferenceCountUtil.release(msg); // bodies are never used
        }
    }

    private void accept(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            answer(ctx, request, malformed(decoded.cause()).closing());
            return;
        }
        long length;
        try {
            length = HttpUtil.getContentLength(request, 0L);
        } catch (NumberFormatException e) {
            answer(ctx, request, Reply.text(400, "bad Content-Length\n").closing());
            return;
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        boolean readOnly = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
        Reply refusing = !readOnly ? Reply.text(405, "method not allowed\n").withHeader("Allow", "GET, HEAD")
                : chunked || length > 0 ? Reply.text(413, "the ops endpoints take no request body\n") : null;
        if (refusing != null) {
            if (!chunked && length == 0) {
                answer(ctx, request, refusing);
            } else if (chunked || length > MAX_DISCARDED_BODY || request instanceof LastHttpContent) {
                answer(ctx, request, refusing.closing());
            } else {
                refused = request;
                refusal = refusing.closing();
                bodyDeadline = ctx.executor().schedule(() -> {
                    closing = true;
                    ctx.close();
                }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            return;
        }
        String path;
        try {
            path = new URI(request.uri()).getPath();
        } catch (URISyntaxException e) {
            path = null;
        }
        if (path == null) {
            answer(ctx, request, Reply.text(400, "bad request target\n").closing());
            return;
        }
        OpsRequest ops = new OpsRequest(path, Optional.ofNullable(request.headers().get(HttpHeaderNames.AUTHORIZATION)),
                source(ctx));
        Route route = routes.get(path);
        if (route == null) {
            answer(ctx, request, NOT_FOUND);
        } else if (!route.blocking()) {
            answer(ctx, request, run(route, ops));
        } else {
            answering = true;
            try {
                workers.execute(() -> {
                    Reply reply = run(route, ops);
                    try {
                        ctx.executor().execute(() -> answer(ctx, request, reply));
                    } catch (RejectedExecutionException stopping) {
                        // the listener is closing: so is the connection
                    }
                });
            } catch (RejectedExecutionException full) {
                answer(ctx, request, BUSY);
            }
        }
    }

    private static Reply run(Route route, OpsRequest request) {
        try {
            return route.answer().apply(request);
        } catch (RuntimeException e) {
            LOG.warn("ops: {} failed: {}", request.path(), e.toString());
            return FAILED;
        }
    }

    private static Reply malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Reply.text(414, "the request line is too long\n");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Reply.text(431, "the request headers are too large\n");
        }
        return Reply.text(400, "malformed request\n");
    }

    private static InetAddress source(ChannelHandlerContext ctx) {
        return ClientAddress.of(ctx.channel()) instanceof InetSocketAddress remote ? remote.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    /** Writes {@code reply} to {@code request} (on the network thread), then takes the next waiting request. */
    private void answer(ChannelHandlerContext ctx, HttpRequest request, Reply reply) {
        answering = false;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()),
                head || reply.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        reply.headers().forEach(headers::set);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        boolean keepAlive = !reply.close() && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!request.protocolVersion().isKeepAliveDefault()) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.writeAndFlush(response);
        HttpRequest next = waiting.poll();
        if (next != null) {
            accept(ctx, next);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (bodyDeadline != null) {
            bodyDeadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset, a failed TLS handshake, a write timeout: nothing to answer
        LOG.debug("ops connection from {} closed: {}", ClientAddress.of(ctx.channel()), cause.toString());
        closing = true;
        ctx.close();
    }
}
