package io.vaultgate.https.receiver;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.vaultgate.https.http.ConnectionLimit;
import io.vaultgate.https.http.MinimumBodyRate;
import io.vaultgate.https.http.RequestHeaderTimeout;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's pipeline, nothing else: the cap on connections per client address (the gateway listener's
 * {@link ConnectionLimit}: one over it is closed before any TLS work), mutual TLS, idle detection (the handler closes an idle connection
 * unless it is finishing an upload), HTTP/1.1 codec, the gateway listener's guards against trickling clients (a
 * request head must be complete within the idle timeout; a body must keep a minimum average rate, else the
 * handler answers {@code 408}), {@code 100 Continue} for clients that wait for it (curl does, for bodies of 1 MiB
 * and more), the handler.
 */
final class ReceiverInitializer extends ChannelInitializer<SocketChannel> {

    private final SslContext tls;
    private final ReceivedFiles files;
    private final Duration idleTimeout;
    private final long minBodyBytesPerSecond;
    private final Executor finishing;
    private final ClientVerdict verdict;
    private final ConnectionLimit connectionLimit;

    /** @param maxConnectionsPerAddress connections one client address may hold open; one instance counts them all */
    ReceiverInitializer(SslContext tls, ReceivedFiles files, Duration idleTimeout, long minBodyBytesPerSecond,
                        Executor finishing, ClientVerdict verdict, int maxConnectionsPerAddress) {
        this.connectionLimit = new ConnectionLimit(maxConnectionsPerAddress);
        this.tls = tls;
        this.files = files;
        this.idleTimeout = idleTimeout;
        this.minBodyBytesPerSecond = minBodyBytesPerSecond;
        this.finishing = finishing;
        this.verdict = verdict;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("limit", connectionLimit)
                .addLast("tls", tls.newHandler(channel.alloc()))
                .addLast("handshake-log", new HandshakeLog())
                .addLast("idle", new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("http", new HttpServerCodec(8192, 16 * 1024, 64 * 1024))
                .addLast("header-timeout", new RequestHeaderTimeout(idleTimeout))
                .addLast("body-rate", MinimumBodyRate.answering(minBodyBytesPerSecond, idleTimeout))
                .addLast("expect-continue", new HttpServerExpectContinueHandler())
                .addLast("receiver", new ReceiverHandler(files, finishing, verdict));
    }
}
