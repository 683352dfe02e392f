package io.vaultgate.https.receiver;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's pipeline, nothing else: mutual TLS, read timeout, HTTP/1.1 codec, {@code 100 Continue}
 * for clients that wait for it (curl does, for bodies of 1 MiB and more), the handler.
 */
final class ReceiverInitializer extends ChannelInitializer<SocketChannel> {

    private final SslContext tls;
    private final ReceivedFiles files;
    private final Duration idleTimeout;

    ReceiverInitializer(SslContext tls, ReceivedFiles files, Duration idleTimeout) {
        this.tls = tls;
        this.files = files;
        this.idleTimeout = idleTimeout;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("tls", tls.newHandler(channel.alloc()))
                .addLast("handshake-log", new HandshakeLog())
                .addLast("read-timeout", new ReadTimeoutHandler(idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .addLast("http", new HttpServerCodec(8192, 16 * 1024, 64 * 1024))
                .addLast("expect-continue", new HttpServerExpectContinueHandler())
                .addLast("receiver", new ReceiverHandler(files));
    }
}
