package io.vaultgate.https.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vaultgate.https.Http2Limits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns a connection whose TLS handshake chose ALPN {@code h2} into an HTTP/2 connection; any other (ALPN
 * {@code http/1.1}, or none) keeps the HTTP/1.1 handlers it was built with. Sits right after the TLS handler and
 * acts on the handshake's completion event, which comes before any request byte is passed on, so the first bytes
 * of the client's connection preface already reach the HTTP/2 codec.
 *
 * <p>On {@code h2} the HTTP/1.1 handlers ({@code http1Handlers}) are removed and replaced by the frame codec
 * (limits: {@link Http2Limits}, the request header size as SETTINGS_MAX_HEADER_LIST_SIZE, rapid-reset protection),
 * the {@link ConnectionGuard} (idle and no-open-stream timeouts) and a multiplexer that gives each request stream its
 * own child channel running the same request handlers as an HTTP/1.1 connection ({@code requestHandlers}), behind a
 * frame-to-HTTP-object codec and the request-line length check. Child channels do not read by themselves: a stream's
 * DATA frames are passed on as its handler asks for them (what is queued, up to a window's worth per read, as one
 * piece: {@link StreamReads}, {@link DataBatches}), and only then is its flow-control window opened again
 * (WINDOW_UPDATE), which is the per-stream backpressure. The connection itself then reads freely: what a client may
 * send ahead is bounded by the windows.
 */
public final class Http2Pipeline extends ChannelInboundHandlerAdapter {

    private final Http2Limits limits;
    private final int maxHeaderBytes;
    private final int maxUriLength;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final List<String> http1Handlers;
    private final Consumer<ChannelPipeline> requestHandlers;

    /**
     * @param requestTimeout  an HTTP/2 connection without any open stream for this long is closed, with a GOAWAY
     *                        (the keep-alive timeout, at most the HTTP/1.1 request header timeout: it also bounds a
     *                        request head trickled in CONTINUATION frames)
     * @param idleTimeout     a stream that neither receives nor sends anything for this long is reset: the
     *                        connection's own idle timer does not do it on HTTP/2, where PING or SETTINGS frames
     *                        keep a connection busy while its streams stall
     * @param http1Handlers   names of the HTTP/1.1 handlers to remove on {@code h2}
     * @param requestHandlers adds the per-request handlers (body rate, the API) to a stream's pipeline
     */
    public Http2Pipeline(Http2Limits limits, int maxHeaderBytes, int maxUriLength, Duration requestTimeout,
                         Duration idleTimeout, List<String> http1Handlers, Consumer<ChannelPipeline> requestHandlers) {
        this.limits = limits;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxUriLength = maxUriLength;
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
        this.http1Handlers = List.copyOf(http1Handlers);
        this.requestHandlers = requestHandlers;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (done.isSuccess() && tls != null && ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                toHttp2(ctx);
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }

    private void toHttp2(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        http1Handlers.forEach(pipeline::remove);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.maxConcurrentStreams())
                        .initialWindowSize(limits.streamWindowBytes())
                        .maxHeaderListSize(maxHeaderBytes))
                .decoderEnforceMaxRstFramesPerWindow(Http2Limits.MAX_RESETS_PER_WINDOW, Http2Limits.RST_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(Http2Limits.MAX_RESETS_PER_WINDOW, Http2Limits.RST_WINDOW_SECONDS)
                // a close (revocation, lockdown, timeouts, shutdown) ends the streams at once after the GOAWAY
                .gracefulShutdownTimeoutMillis(0)
                .build();
        // the stream limit holds from the first frame, not only once the client acknowledged our SETTINGS
        codec.connection().remote().maxActiveStreams(limits.maxConcurrentStreams());
        pipeline.addAfter(ctx.name(), "h2", codec);
        pipeline.addAfter("h2", "h2streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.config().setRecvByteBufAllocator(new StreamReads(limits.streamWindowBytes()));
                // the API handler closes the stream (RST_STREAM) on this timer's event, as it closes an
                // HTTP/1.1 connection on the connection's
                stream.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(),
                        TimeUnit.MILLISECONDS));
                stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("batches", new DataBatches());
                stream.pipeline().addLast("uriLength", new RequestLineLimit(maxUriLength));
                requestHandlers.accept(stream.pipeline());
            }
        }));
        pipeline.addAfter("h2streams", "h2guard", new ConnectionGuard(codec.connection(), requestTimeout));
        int more = limits.connectionWindowBytes() - Http2Limits.PROTOCOL_INITIAL_WINDOW;
        if (more > 0) {
            ctx.channel().write(new DefaultHttp2WindowUpdateFrame(more));
        }
        ctx.channel().config().setAutoRead(true);
        ctx.channel().flush();
    }
}
