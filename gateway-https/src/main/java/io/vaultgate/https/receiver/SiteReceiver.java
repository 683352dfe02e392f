package io.vaultgate.https.receiver;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vaultgate.core.forward.PinnedTrust;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference receiver of the forwarding protocol ({@code docs/forwarding.md}), run by a BPO site with
 * {@code vaultgate receive}: an HTTPS listener that demands a client certificate issued by the gateway CA,
 * takes {@code PUT .../files/{id}}, verifies each file's SHA-256 and writes it atomically into a drop
 * directory. TLS 1.3/1.2 with AEAD suites only, as the gateway's own listener.
 *
 * <p>Files are written on the connection's event loop: the loop reads the next chunk only after the
 * previous one is on disk, which bounds memory per connection to one chunk.
 */
public final class SiteReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteReceiver.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private SiteReceiver(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /** Binds and starts serving; fails if the port is taken or the TLS material is unusable. */
    public static SiteReceiver start(ReceiverSettings settings, TlsMaterial server) throws IOException {
        SslContext tls = SslContextBuilder.forServer(server.key(), server.chain())
                .sslProvider(ServerTls.preferredProvider())
                .protocols(ServerTls.PROTOCOLS)
                .ciphers(ServerTls.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .trustManager(trust(settings))
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        ReceivedFiles files = new ReceivedFiles(new DropDirectory(settings.drop()), settings.maxFileBytes(),
                settings.siteKey());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vaultgate-receiver-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("vaultgate-receiver"),
                NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ReceiverInitializer(tls, files, settings.idleTimeout()))
                    .bind(settings.listen()).sync().channel();
            LOG.info("receiver: listening on {}, dropping files into {}", channel.localAddress(), settings.drop());
            return new SiteReceiver(boss, workers, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(boss, workers);
            throw new IOException("interrupted while binding " + settings.listen(), e);
        } catch (RuntimeException e) {
            shutdown(boss, workers);
            throw new IOException("cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.TrustManagerFactory trust(ReceiverSettings settings) throws IOException {
        try {
            return PinnedTrust.trustManagers(settings.clientCas(), settings.clientCrls());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot use the client CA certificates or CRLs: " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Blocks until the listener is closed. */
    public void awaitClose() throws InterruptedException {
        channel.closeFuture().sync();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
