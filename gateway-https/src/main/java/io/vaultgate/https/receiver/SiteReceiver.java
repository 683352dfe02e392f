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
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference receiver of the forwarding protocol ({@code docs/forwarding.md}), run by a BPO site with
 * {@code vaultgate receive}: an HTTPS listener for one site that demands that site's client certificate, issued by
 * the gateway's forwarding CA, takes {@code PUT .../files/{id}} sent for that site, verifies each file's SHA-256
 * and writes it atomically into a drop directory. TLS 1.3/1.2 with AEAD suites only, as the gateway's own listener.
 *
 * <p>A body's chunks are written on the connection's event loop: the loop reads the next chunk only after
 * the previous one is written, which bounds memory per connection to one chunk. The end of each upload
 * (fsync, opening a sealed envelope, the atomic rename) runs on a small bounded pool of its own
 * ({@link #FINISHING_QUEUE} waiting at most; beyond that 503), so a large sealed file being decrypted does
 * not stall the other connections of its loop.
 */
public final class SiteReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteReceiver.class);

    /** Uploads that may wait for a finishing thread before new ones are answered 503. */
    static final int FINISHING_QUEUE = 256;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService finishing;
    private final Channel channel;

    private SiteReceiver(EventLoopGroup boss, EventLoopGroup workers, ExecutorService finishing, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.finishing = finishing;
        this.channel = channel;
    }

    /** Binds and starts serving; fails if the port is taken or the TLS material is unusable. */
    public static SiteReceiver start(ReceiverSettings settings, TlsMaterial server) throws IOException {
        return start(settings, server, Clock.systemUTC());
    }

    /** The same, judging on every request whether the gateway's certificate and the CRLs still hold by {@code clock}. */
    static SiteReceiver start(ReceiverSettings settings, TlsMaterial server, Clock clock) throws IOException {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        return start(settings, server, 0, finishingPool(threads, FINISHING_QUEUE), clock);
    }

    /** The finishing threads: {@code threads} at most, {@code queue} uploads waiting, then rejection. */
    static ExecutorService finishingPool(int threads, int queue) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), new DefaultThreadFactory("vaultgate-receiver-finish"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * @param ioThreads event loops for connections (0: Netty's default, twice the cores)
     * @param finishing runs the end of each upload; shut down with the receiver
     */
    static SiteReceiver start(ReceiverSettings settings, TlsMaterial server, int ioThreads,
                              ExecutorService finishing, Clock clock) throws IOException {
        SslContext tls = SslContextBuilder.forServer(server.key(), server.chain())
                .sslProvider(ServerTls.preferredProvider())
                .protocols(ServerTls.PROTOCOLS)
                .ciphers(ServerTls.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .trustManager(trust(settings))
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        ReceivedFiles files = new ReceivedFiles(settings.site(), new DropDirectory(settings.drop()),
                settings.maxFileBytes(), settings.siteKey());
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vaultgate-receiver-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("vaultgate-receiver"), NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ReceiverInitializer(tls, files, settings.idleTimeout(),
                            settings.minBodyBytesPerSecond(), finishing,
                            new ClientVerdict(new ForwarderName(settings.site()), settings.clientCrls(), clock),
                            settings.maxConnectionsPerAddress()))
                    .bind(settings.listen()).sync().channel();
            LOG.info("receiver: site {}, listening on {}, dropping files into {}", settings.site(),
                    channel.localAddress(), settings.drop());
            return new SiteReceiver(boss, workers, finishing, channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(boss, workers, finishing);
            throw new IOException("interrupted while binding " + settings.listen(), e);
        } catch (RuntimeException e) {
            shutdown(boss, workers, finishing);
            throw new IOException("cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.TrustManager trust(ReceiverSettings settings) throws IOException {
        try {
            return new ReloadingClientTrust(settings.clientCas(), settings.clientCrls());
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

    /** Stops listening and closes connections; files being finished are given 30 s to be published. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers, finishing);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, ExecutorService finishing) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        finishing.shutdown();
        try {
            if (!finishing.awaitTermination(30, TimeUnit.SECONDS)) {
                finishing.shutdownNow();
            }
        } catch (InterruptedException e) {
            finishing.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
