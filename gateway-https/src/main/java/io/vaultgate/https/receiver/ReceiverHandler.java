package io.vaultgate.https.receiver;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.https.http.LingeringClose;
import io.vaultgate.https.http.MinimumBodyRate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests. A file's body streams to a temporary file as it arrives (memory is one
 * chunk); at its end the digest is checked and the file published. A request refused on its headers
 * (bad header, duplicate, conflict) has its body read and discarded, then gets its answer, so the
 * connection stays usable; a body over the size limit is answered at once and the connection closed.
 *
 * <p>The end of an upload blocks (fsync, opening a sealed envelope, the atomic rename), so it runs on the
 * {@code finishing} executor, never on the event loop: the other connections of the loop go on. Until its
 * answer is written this connection reads nothing more (auto-read off; anything the codec had already
 * decoded is held and handled after the answer), and it is not idle: the gateway is waiting for us.
 * A full executor answers 503 (the gateway retries).
 */
final class ReceiverHandler extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverHandler.class);
    private static final Answer BUSY = new Answer(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "the receiver is busy finishing other files; try again later\n", null);

    private final ReceivedFiles files;
    private final Executor finishing;
    private final ClientVerdict verdict;
    private final Deque<HttpObject> held = new ArrayDeque<>();
    private Exchange exchange;
    private boolean answering;
    private boolean ending;
    private boolean endAfterAnswer;

    ReceiverHandler(ReceivedFiles files, Executor finishing, ClientVerdict verdict) {
        this.files = files;
        this.finishing = finishing;
        this.verdict = verdict;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (ending) {
            return; // answered and closing: what still arrives is dropped, never handled
        }
        if (answering) {
            held.add(ReferenceCountUtil.retain(message));
            return;
        }
        handle(ctx, message);
    }

    private void handle(ChannelHandlerContext ctx, HttpObject message) {
        if (message instanceof HttpRequest request) {
            closeExchange();
            if (!request.decoderResult().isSuccess()) {
                answer(ctx, new Answer(HttpResponseStatus.BAD_REQUEST, "malformed request\n", null), false);
                return;
            }
            Optional<String> refusal = refusal(ctx);
            if (refusal.isPresent()) {
                LOG.warn("receiver: refused {} from {}: {}; connection closed", request.uri(), ReceiverPeer.describe(ctx),
                        refusal.get());
                answer(ctx, new Answer(HttpResponseStatus.FORBIDDEN, refusal.get() + "\n", null), false);
                return;
            }
            exchange = files.begin(request, ReceiverPeer.describe(ctx));
            if (exchange.answersBeforeTheBody()) {
                Answer early = exchange.finish();
                exchange = null;
                answer(ctx, early, false);
                return;
            }
        }
        if (message instanceof HttpContent content && exchange != null) {
            try {
                exchange.content(content.content());
            } catch (ReceiverProblem problem) {
                closeExchange();
                answer(ctx, Answer.refused(problem), false);
                return;
            }
            if (content instanceof LastHttpContent) {
                Exchange done = exchange;
                exchange = null;
                finish(ctx, done);
            }
        }
    }

    /** Why this connection's client certificate may no longer be trusted ({@link ClientVerdict}); fails closed. */
    private Optional<String> refusal(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return tls == null ? Optional.of("the connection is not TLS") : verdict.refusal(tls.engine().getSession());
    }

    private void finish(ChannelHandlerContext ctx, Exchange done) {
        if (!done.blocking()) {
            answer(ctx, done.finish(), done.keepAlive());
            return;
        }
        answering = true;
        ctx.channel().config().setAutoRead(false);
        try {
            finishing.execute(() -> {
                Answer answer = finishQuietly(done);
                try {
                    ctx.executor().execute(() -> answered(ctx, answer, done.keepAlive()));
                } catch (RejectedExecutionException closing) {
                    LOG.debug("receiver: shutting down before answering {}", ctx.channel().remoteAddress());
                }
            });
        } catch (RejectedExecutionException busy) {
            LOG.warn("receiver: too many files finishing at once; answered 503 to {}", ctx.channel().remoteAddress());
            done.close();
            answered(ctx, BUSY, done.keepAlive());
        }
    }

    private static Answer finishQuietly(Exchange done) {
        try {
            return done.finish();
        } catch (RuntimeException e) {
            LOG.error("receiver: finishing a file failed", e);
            done.close();
            return new Answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, "receiver error\n", null);
        }
    }

    /** On the event loop: the finished upload's answer, then whatever arrived behind it, then reading again. */
    private void answered(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
        answering = false;
        keepAlive &= !endAfterAnswer;
        answer(ctx, answer, keepAlive);
        if (!keepAlive) {
            releaseHeld();
            return;
        }
        while (!answering && !ending && !held.isEmpty()) {
            HttpObject next = held.poll();
            try {
                handle(ctx, next);
            } finally {
                ReferenceCountUtil.release(next);
            }
        }
        if (ending) {
            releaseHeld(); // a held request was refused and the connection ends: what followed it is dropped
        } else if (!answering) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof MinimumBodyRate.TooSlow slow) {
            tooSlow(ctx, slow);
            return;
        }
        if (event instanceof IdleStateEvent) {
            if (!answering) {
                LOG.info("receiver: connection from {} was idle too long; closed", ctx.channel().remoteAddress());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /**
     * A body that trickled in below the minimum rate (slowloris on the body): its temporary file is deleted and it is
     * answered 408, and the connection ends. (If an answer is being prepared, the body is a pipelined request's:
     * the connection ends after that answer.)
     */
    private void tooSlow(ChannelHandlerContext ctx, MinimumBodyRate.TooSlow slow) {
        if (ending) {
            return;
        }
        LOG.warn("receiver: request body from {} arrived too slowly ({} bytes in {} s of waiting, at least {} bytes/s "
                + "required); {}", ReceiverPeer.describe(ctx), slow.bytes(), slow.waitedSeconds(),
                slow.minBytesPerSecond(), answering ? "the connection ends after the answer being prepared"
                        : "answered 408, connection closed");
        if (answering) {
            endAfterAnswer = true;
            return;
        }
        closeExchange();
        answer(ctx, new Answer(HttpResponseStatus.REQUEST_TIMEOUT, "the request body arrived slower than "
                + slow.minBytesPerSecond() + " bytes/s; send it again\n", null), false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeExchange();
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        for (HttpObject message = held.poll(); message != null; message = held.poll()) {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeExchange();
        LOG.warn("receiver: connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void closeExchange() {
        if (exchange != null) {
            exchange.close();
            exchange = null;
        }
    }

    private void answer(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.digest() == null
                ? "text/plain; charset=utf-8" : "application/json");
        if (answer.digest() != null) {
            response.headers().set(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(answer.digest()));
        }
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            ending = true;
            // gently: closing with unread bytes would reset the connection and could destroy the answer
            written.addListener((ChannelFutureListener) LingeringClose::after);
        }
    }

    /** One request being handled; {@link ReceivedFiles} makes them. */
    interface Exchange extends AutoCloseable {
        void content(io.netty.buffer.ByteBuf chunk) throws ReceiverProblem;

        Answer finish();

        /**
         * Whether the answer ({@link #finish()}) goes out as soon as the request head is read, and the connection
         * then ends without reading the body.
         */
        default boolean answersBeforeTheBody() {
            return false;
        }

        /** Whether {@link #finish()} blocks (file system, decryption) and so must run off the event loop. */
        default boolean blocking() {
            return false;
        }

        boolean keepAlive();

        @Override
        void close();
    }

    /** A response: status, body, and the digest to answer (null for a refusal). */
    record Answer(HttpResponseStatus status, String body, String digest) {
        static Answer refused(ReceiverProblem problem) {
            return new Answer(problem.status(), problem.getMessage() + "\n", null);
        }
    }
}
