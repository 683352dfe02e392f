package io.vaultgate.https.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.vaultgate.core.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response side of one request. Sends exactly one final response and decides whether the
 * connection survives it: it is closed when the client asked for that, or when the response goes out
 * before the request body was read to its end (draining an unwanted upload would cost more than a new
 * TLS handshake, and leftover body bytes must never be parsed as the next request). On HTTP/2 only the
 * request's stream ends then: after the complete response, {@code RST_STREAM NO_ERROR} tells the client to
 * stop sending the body (RFC 9113 8.1), and the connection's other streams go on. Every final response says
 * {@code Cache-Control: no-store}.
 */
public final class Reply {

    private static final Logger ACCESS = LoggerFactory.getLogger("io.vaultgate.https.access");

    private final ChannelHandlerContext ctx;
    private final String requestLine;
    private final boolean keepAlive;
    private final boolean head;
    private final HttpHeaders everyResponse = new DefaultHttpHeaders();
    private boolean bodyPending;
    private boolean sent;
    private boolean closing;
    private ChannelFuture streamed;

    public Reply(ChannelHandlerContext ctx, HttpRequest request) {
        this.ctx = ctx;
        int query = request.uri().indexOf('?');
        this.requestLine = request.method() + " " + (query < 0 ? request.uri() : request.uri().substring(0, query));
        this.keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess()
                && request.protocolVersion().majorVersion() == 1;
        this.head = HttpMethod.HEAD.equals(request.method());
        // a request the decoder refused may carry unparsable framing headers: treat its body as unread
        this.bodyPending = !request.decoderResult().isSuccess() || HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /**
     * Sets a header on whatever final response this request gets, refusals included (such as
     * {@code Tus-Resumable}, which tus requires on every response).
     */
    public void setOnEveryResponse(String name, Object value) {
        everyResponse.set(name, value);
    }

    /** The connection's buffer allocator, for exchanges that need working buffers. */
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    public boolean isHead() {
        return head;
    }

    public boolean sent() {
        return sent;
    }

    /** Whether the response that went out closes the connection: nothing after it may be handled. */
    boolean closing() {
        return closing;
    }

    /** Called when the last body chunk was read. */
    void bodyComplete() {
        bodyPending = false;
    }

    public void json(HttpResponseStatus status, byte[] body) {
        json(status, body, null);
    }

    /** Sends a JSON body, ended by a newline ({@link Json#responseBody}). */
    public void json(HttpResponseStatus status, byte[] json, HttpHeaders extra) {
        byte[] body = Json.responseBody(json);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        if (extra != null) {
            response.headers().add(extra);
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        send(response);
    }

    /** A response without a body; for HEAD its headers may still announce a length. */
    public FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        if (!head && status.code() != HttpResponseStatus.NO_CONTENT.code()) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return response;
    }

    public void problem(GatewayException failure) {
        send(ErrorResponses.of(failure));
    }

    public void problem(HttpProblem problem) {
        send(ErrorResponses.of(problem));
    }

    /** Sends {@code response}; for HEAD without its body (a problem's too), keeping the headers. */
    public void send(FullHttpResponse response) {
        finish(ctx.writeAndFlush(prepare(head ? bodiless(response) : response)));
    }

    /**
     * A HEAD response never has content (RFC 9110 9.3.2): bytes after its head would be read by the client as
     * the start of the next response on the connection.
     */
    private static FullHttpResponse bodiless(FullHttpResponse response) {
        if (!response.content().isReadable()) {
            return response;
        }
        FullHttpResponse headersOnly = response.replace(Unpooled.EMPTY_BUFFER);
        response.release();
        return headersOnly;
    }

    /** Sends the head, then the body pulled from {@code body} as the connection drains. */
    public void stream(HttpResponse headers, HttpChunkedInput body) {
        ctx.write(prepare(headers));
        streamed = ctx.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        finish(streamed);
    }

    /**
     * Runs {@code next} once a streamed body was fully written, or now if there is none in flight. The
     * connection reads its next request only then, so pipelined requests cannot pile up open files.
     */
    void whenWritten(Runnable next) {
        if (streamed == null || streamed.isDone()) {
            next.run();
        } else {
            streamed.addListener(done -> next.run());
        }
    }

    /** Tells a client that sent {@code Expect: 100-continue} to go ahead with the body. */
    public void continueBody() {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER));
    }

    private <T extends HttpResponse> T prepare(T response) {
        if (sent) {
            throw new IllegalStateException("a response was already sent for this request");
        }
        sent = true;
        response.headers().setAll(everyResponse); // set, not add: an exchange may have set them already
        // no answer is kept by a browser's or proxy's cache (ASVS 8.2.1): files are decrypted tenant data, listings
        // name them, JSON answers carry receipts, batches, credentials; a 304 or a problem too, so no route can forget
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        boolean close = !keepAlive || bodyPending;
        closing = close;
        ACCESS.info("{} \"{}\" {}{}", ClientAddress.of(ctx.channel()), requestLine, response.status().code(),
                close ? " close" : "");
        HttpUtil.setKeepAlive(response, !close);
        return response;
    }

    private static void endUnreadBody(ChannelFuture written) {
        if (ConnectionChannel.isStream(written.channel())) {
            written.channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            LingeringClose.after(written);
        }
    }

    private void finish(ChannelFuture future) {
        if (bodyPending) {
            future.addListener(written -> endUnreadBody((ChannelFuture) written));
        } else if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
