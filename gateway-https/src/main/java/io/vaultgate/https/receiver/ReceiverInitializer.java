package io.vaultgate.https.receiver;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The receiver's pipeline, nothing else: mutual TLS, read timeout, HTTP/1.1 codec, the handler. */
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
                .addLast("receiver", new ReceiverHandler(files));
    }
}
