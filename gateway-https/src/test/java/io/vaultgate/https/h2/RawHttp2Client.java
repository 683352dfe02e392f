package io.vaultgate.https.h2;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * An HTTP/2 client that writes frames as told, with none of a real client's manners (it opens more streams than
 * allowed, resets them at once, never acknowledges SETTINGS unless asked): for the protocol edge cases curl cannot
 * produce. Frames it receives are reported as text lines ({@code HEADERS 1 431}, {@code DATA 1 END_STREAM} for the
 * last DATA frame of a stream, {@code RST_STREAM 5 REFUSED_STREAM}, {@code PING_ACK 7},
 * {@code GOAWAY ENHANCE_YOUR_CALM}, {@code CLOSED}).
 */
final class RawHttp2Client implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final String authority;
    private final long openedNanos = System.nanoTime();
    private volatile boolean together;
    private volatile String beforeConfirmation = "";
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile long longestPauseNanos;

    /** The PING payload {@link #confirmed} sends behind a connection's first frames. */
    static final long CONFIRMATION = 0x5EEDL;

    /** Frames written by calls of a client's methods. */
    interface Frames {
        void write(RawHttp2Client client) throws InterruptedException;
    }

    RawHttp2Client(int port, Path caPem) throws Exception {
        authority = "127.0.0.1:" + port;
        try {
            channel = connect(port, caPem);
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * A connection on which the server has taken the frames {@code first} writes: they go out in one write with a
     * PING behind them, and this returns once the server acknowledged the PING (it reads a connection's frames in
     * order, so a stream they open is open by then, unless it was answered or reset: see {@link
     * #beforeConfirmation}). On a loaded machine a server timeout of a second or two (idle, keep-alive, request head)
     * can close a connection before that, in its TLS handshake or before its first frames arrived: such a connection
     * says nothing about what a test waits for, so another one is tried, for up to {@code seconds}.
     */
    static RawHttp2Client confirmed(int port, Path caPem, long seconds, Frames first) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder closed = new StringBuilder();
        while (System.nanoTime() < deadline) {
            RawHttp2Client client;
            try {
                client = new RawHttp2Client(port, caPem);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof ClosedChannelException || e.getCause() instanceof SSLException)) {
                    throw e;
                }
                closed.append("closed in the TLS handshake: ").append(e.getCause()).append('\n');
                continue;
            }
            client.together(c -> {
                first.write(c);
                c.ping(CONFIRMATION);
            });
            String events = client.awaitEvent(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())),
                    "PING_ACK " + CONFIRMATION, "CLOSED");
            if (events.contains("PING_ACK " + CONFIRMATION)) {
                client.beforeConfirmation = events;
                return client;
            }
            closed.append("closed before the server took its first frames:\n").append(events);
            client.close();
        }
        throw new AssertionError("no connection whose first frames the server took within " + seconds + " s:\n"
                + closed);
    }

    /** What {@link #confirmed} saw until the server acknowledged its PING, that acknowledgement included. */
    String beforeConfirmation() {
        return beforeConfirmation;
    }

    /**
     * The longest time this client's event loop let pass between two writes since {@link #countPauses} (or since the
     * previous write, if no write followed): a client held up on a loaded machine writes nothing meanwhile.
     */
    long longestPauseNanos() {
        return Math.max(longestPauseNanos, System.nanoTime() - lastWriteNanos);
    }

    /** Starts {@link #longestPauseNanos} afresh, from the last write. */
    void countPauses() {
        longestPauseNanos = 0;
    }

    /** When this connection began (before its TCP connect, so before any timer of the server's started). */
    long openedNanos() {
        return openedNanos;
    }

    private Channel connect(int port, Path caPem) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(caPem.toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        CompletableFuture<String> negotiated = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port));
                        ch.pipeline().addLast(new Reader(negotiated));
                    }
                }).connect("127.0.0.1", port).sync().channel();
        String protocol = negotiated.get(10, TimeUnit.SECONDS);
        if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            throw new IllegalStateException("ALPN chose " + protocol);
        }
        channel.eventLoop().submit(() -> {
            channel.write(Http2CodecUtil.connectionPrefaceBuf());
            writer.writeSettings(channel.pipeline().lastContext(), new Http2Settings(), channel.newPromise());
            channel.flush();
        }).sync();
        return channel;
    }

    /** Request headers for {@code method path}, plus {@code extra} name/value pairs. */
    Http2Headers request(String method, String path, String... extra) {
        Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme("https").authority(authority);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            headers.add(extra[i], extra[i + 1]);
        }
        return headers;
    }

    void headers(int stream, Http2Headers headers, boolean endStream) throws InterruptedException {
        run(ctx -> writer.writeHeaders(ctx, stream, headers, 0, endStream, ctx.newPromise()));
    }

    void data(int stream, byte[] bytes, boolean endStream) throws InterruptedException {
        run(ctx -> writer.writeData(ctx, stream, io.netty.buffer.Unpooled.wrappedBuffer(bytes), 0, endStream,
                ctx.newPromise()));
    }

    void reset(int stream, Http2Error error) throws InterruptedException {
        run(ctx -> writer.writeRstStream(ctx, stream, error.code(), ctx.newPromise()));
    }

    void ping(long data) throws InterruptedException {
        run(ctx -> writer.writePing(ctx, false, data, ctx.newPromise()));
    }

    void settingsAck() throws InterruptedException {
        run(ctx -> writer.writeSettingsAck(ctx, ctx.newPromise()));
    }

    /** The next event, or null after {@code seconds}. */
    String next(long seconds) throws InterruptedException {
        return events.poll(seconds, TimeUnit.SECONDS);
    }

    /** Events until {@code wanted} (a prefix) arrived, it included; fails after {@code seconds}. */
    String awaitEvent(String wanted, long seconds) throws InterruptedException {
        return awaitEvent(seconds, wanted);
    }

    /** Events until one starting with any of {@code wanted} arrived, it included; fails after {@code seconds}. */
    String awaitEvent(long seconds, String... wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                break;
            }
            seen.append(event).append('\n');
            for (String prefix : wanted) {
                if (event.startsWith(prefix)) {
                    return seen.toString();
                }
            }
        }
        throw new AssertionError("no \"" + String.join("\" or \"", wanted) + "\" within " + seconds + " s; got:\n"
                + seen);
    }

    /** Sends what {@code frames} writes in one flush, so the server takes it in one read. */
    void together(Frames frames) throws InterruptedException {
        together = true;
        try {
            frames.write(this);
        } finally {
            together = false;
            run(ctx -> { });
        }
    }

    boolean isOpen() {
        return channel.isActive();
    }

    private interface Write {
        void to(ChannelHandlerContext ctx);
    }

    private void run(Write write) throws InterruptedException {
        channel.eventLoop().submit(() -> {
            write.to(channel.pipeline().lastContext());
            if (!together) {
                channel.flush();
                long now = System.nanoTime();
                longestPauseNanos = Math.max(longestPauseNanos, now - lastWriteNanos);
                lastWriteNanos = now;
            }
        }).await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private final class Reader extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<String> negotiated;
        private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
        private ByteBuf pending;

        Reader(CompletableFuture<String> negotiated) {
            this.negotiated = negotiated;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    negotiated.complete(ctx.pipeline().get(SslHandler.class).applicationProtocol());
                } else {
                    negotiated.completeExceptionally(done.cause());
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            ByteBuf in = (ByteBuf) msg;
            pending = pending == null ? in : ctx.alloc().compositeBuffer().addComponents(true, pending, in);
            reader.readFrame(ctx, pending, new Http2FrameAdapter() {
                @Override
                public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                          boolean endStream) {
                    events.add("HEADERS " + streamId + " " + headers.status());
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int dependency,
                                          short weight, boolean exclusive, int padding, boolean endStream) {
                    onHeadersRead(c, streamId, headers, padding, endStream);
                }

                @Override
                public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding,
                                      boolean endOfStream) {
                    if (endOfStream) {
                        events.add("DATA " + streamId + " END_STREAM");
                    }
                    return data.readableBytes() + padding;
                }

                @Override
                public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                    events.add("RST_STREAM " + streamId + " " + Http2Error.valueOf(errorCode));
                }

                @Override
                public void onPingAckRead(ChannelHandlerContext c, long data) {
                    events.add("PING_ACK " + data);
                }

                @Override
                public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
                    events.add("GOAWAY " + Http2Error.valueOf(errorCode));
                }
            });
            if (!pending.isReadable()) {
                pending.release();
                pending = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("CLOSED");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("ERROR " + cause);
            ctx.close();
        }
    }
}
