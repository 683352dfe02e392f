package io.vaultgate.https.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.Offence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one connection's requests in order: headers go to the {@link Dispatcher}, body chunks to the
 * {@link Exchange} it returned. The channel runs with auto-read off and this handler sits on a blocking
 * executor. While a body streams, the next socket read is asked for when a read's first chunk arrives,
 * so the network thread decrypts one read ahead while this one is stored, and never more: memory per
 * connection stays at about two reads, whatever the upload size. Otherwise the socket is read again
 * only after the previous read was handled (and a streamed download was written). Every failure becomes one response
 * through {@link ErrorResponses}; a path that tries to leave the namespace also scores against the source address.
 * On an HTTP/2 connection one instance runs per stream, on the stream's channel: "the socket read" is then the
 * stream's next frames, and closing the channel resets only that stream.
 */
public final class ApiHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Dispatcher dispatcher;
    private final AccessControl access;
    private Reply reply;
    private Exchange exchange;
    private boolean readAhead;

    /** Reports no offences. */
    public ApiHandler(Dispatcher dispatcher) {
        this(dispatcher, AccessControl.open());
    }

    /** @param access told of every request whose path tries to leave the namespace ({@link PathEscape}) */
    public ApiHandler(Dispatcher dispatcher, AccessControl access) {
        this.dispatcher = dispatcher;
        this.access = access;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest && reply != null && reply.closing()) {
                // RFC 9112 9.6: a request pipelined behind a response that closes the connection is not
                // processed (its client sends it again elsewhere); its body, if any, is ignored as exchange is null
                return;
            }
            if (msg instanceof HttpRequest && HeadWait.claimed(ctx.channel())) {
                // its connection was claimed to give its place to a new one before this head completed (review26b
                // L2): the request does not begin; the connection is being closed (its body, if any, is ignored)
                exchange = null;
                ctx.close();
                return;
            }
            if (msg instanceof HttpRequest request) {
                onRequest(ctx, request);
            }
            if (msg instanceof HttpContent && !readAhead && exchange != null && exchange != Exchange.DISCARD) {
                // Let the network thread read and decrypt the next batch while this one is stored:
                // at most two reads per connection are in memory.
                ctx.read();
                readAhead = true;
            }
            if (msg instanceof HttpContent content && exchange != null) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        reply = new Reply(ctx, request);
        exchange = Exchange.DISCARD;
        if (request.decoderResult().isFailure()) {
            reply.problem(malformed(ctx, request.decoderResult().cause(), "malformed request line or headers"));
            return;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            // HTTP/1.x framing of a request that claims another major version: not ours to guess at (RFC 9110 15.6.6)
            reply.problem(new HttpProblem(ProblemType.HTTP_VERSION_NOT_SUPPORTED,
                    "only HTTP/1.1 and HTTP/1.0 are supported here"));
            return;
        }
        String coding = request.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
        if (coding != null && !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(coding.trim())) {
            reply.problem(new HttpProblem(ProblemType.TRANSFER_CODING_NOT_SUPPORTED,
                    "only Transfer-Encoding: chunked is supported"));
            return;
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
            reply.problem(new HttpProblem(ProblemType.EXPECTATION_FAILED,
                    "only Expect: 100-continue is supported"));
            return;
        }
        guarded(ctx, () -> exchange = dispatcher.dispatch(reply, request, Peer.of(ctx.channel())));
        if (exchange != Exchange.DISCARD && !reply.sent() && HttpUtil.is100ContinueExpected(request)) {
            reply.continueBody();
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            failWith(ctx, ErrorResponses.of(malformed(ctx, content.decoderResult().cause(), "malformed chunked body")),
                    null);
            ctx.close();
            return;
        }
        guarded(ctx, () -> exchange.content(content.content()));
        if (content instanceof LastHttpContent last) {
            reply.bodyComplete();
            guarded(ctx, () -> exchange.end(last.trailingHeaders()));
            exchange = null;
        }
    }

    private void guarded(ChannelHandlerContext ctx, Runnable step) {
        try {
            step.run();
        } catch (GatewayException e) {
            if (PathEscape.in(e)) {
                access.offence(ClientAddress.text(ctx.channel()), Offence.PATH_ESCAPE);
            }
            failWith(ctx, ErrorResponses.of(e), e.reason() == GatewayException.Reason.INTERNAL ? e : null);
        } catch (HttpProblem e) {
            failWith(ctx, ErrorResponses.of(e), null);
        } catch (RuntimeException e) {
            failWith(ctx, ErrorResponses.internalError(), e);
        }
    }

    /** Cancels the exchange and sends {@code response}, or closes the connection if a response already went out. */
    private void failWith(ChannelHandlerContext ctx, FullHttpResponse response, Exception logged) {
        if (logged != null) {
            LOG.warn("request failed", logged);
        }
        Exchange failed = exchange;
        exchange = Exchange.DISCARD;
        try {
            failed.cancel();
        } catch (RuntimeException e) {
            LOG.warn("cancelling a failed request failed too", e);
        }
        if (reply.sent()) {
            response.release();
            ctx.close();
        } else {
            reply.send(response);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readAhead) {
            readAhead = false;
        } else if (reply == null) {
            ctx.read();
        } else {
            reply.whenWritten(ctx::read);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.cancel();
            exchange = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} closed: {}", ClientAddress.of(ctx.channel()), cause.toString());
        ctx.close();
    }

    /**
     * The refusal of a request the decoder could not parse. Its detail is one of a few fixed texts naming the
     * cause, never the exception's message: Netty's and the JDK's messages describe the decoder's internals and
     * quote the client's bytes back ({@code Content-Length value is not a number: ...}).
     *
     * @param otherwise the detail for any failure not named here
     */
    private static HttpProblem malformed(ChannelHandlerContext ctx, Throwable cause, String otherwise) {
        LOG.debug("malformed request from {}: {}", ClientAddress.of(ctx.channel()), cause.toString());
        if (cause instanceof TooLongHttpLineException) {
            return new HttpProblem(ProblemType.URI_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new HttpProblem(ProblemType.HEADERS_TOO_LARGE, "request headers too large");
        }
        if (cause instanceof TooLongFrameException) {
            return HttpProblem.badRequest("request frame too long");
        }
        if (cause instanceof StrictRequestDecoder.AmbiguousFraming) {
            return HttpProblem.badRequest(StrictRequestDecoder.AMBIGUOUS_FRAMING);
        }
        return HttpProblem.badRequest(otherwise);
    }
}
