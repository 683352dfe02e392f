package io.vaultgate.https;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.https.auth.HttpAuthentication;
import io.vaultgate.https.files.FilesApi;
import io.vaultgate.https.forwarding.ForwardingApi;
import io.vaultgate.https.files.SignedReceipts;
import io.vaultgate.https.admin.AdminApi;
import io.vaultgate.https.metrics.HttpsConnections;
import io.vaultgate.https.operator.OperatorApi;
import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.https.tus.TusApi;
import io.vaultgate.https.tus.TusUrls;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener: binds, runs until {@link #close()}. Uses epoll on Linux when the native transport
 * loads and NIO otherwise; connections start with auto-read off so that every read is asked for by the
 * API handler once the previous one was consumed (the upload path's backpressure).
 */
public final class HttpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsServer.class);

    /**
     * The largest single socket read. Each read is handed to the blocking executor and written through
     * before the next one is asked for, so this bounds the memory of a connection and sets how much work
     * one round trip between the threads carries (64 KiB reads capped one upload at ~60 MiB/s).
     */
    static final int MAX_READ_BYTES = 1024 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup blocking;
    private final Channel channel;
    private final ChannelGroup connections;
    private final AtomicReference<SslContext> tls;
    private final HttpsSettings settings;
    private final List<AutoCloseable> closedFirst = new CopyOnWriteArrayList<>();

    private HttpsServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup blocking, Channel channel,
                        ChannelGroup connections, AtomicReference<SslContext> tls, HttpsSettings settings) {
        this.boss = boss;
        this.workers = workers;
        this.blocking = blocking;
        this.channel = channel;
        this.connections = connections;
        this.tls = tls;
        this.settings = settings;
    }

    /**
     * Starts the listener with every API: files (with signed receipts), tus uploads and the operators'
     * batch workflow.
     *
     * @throws SSLException         the key and certificate do not make a TLS context
     * @throws InterruptedException interrupted while binding
     */
    public static HttpsServer start(HttpsSettings settings, HttpsServices core)
            throws SSLException, InterruptedException {
        return start(settings, core.authenticator(), core.files(), core.ingest(), new OperatorApi(core.batches()),
                core.admin().map(AdminApi::new).orElseGet(AdminApi::disabled),
                core.forwarding().map(ForwardingApi::new).orElseGet(ForwardingApi::disabled),
                SignedReceipts.from(core.receipts()), TusUrls.derivedFrom(core.receipts()), core.meters());
    }

    /**
     * Starts the listener without the operators' batch routes (they answer 404) and without signed receipts;
     * its tus upload URLs work only on this listener, until it stops (there is no shared key to derive theirs).
     *
     * @deprecated use {@link #start(HttpsSettings, HttpsServices)}
     */
    @Deprecated
    public static HttpsServer start(HttpsSettings settings, Authenticator authenticator, FileService files,
                                    IngestService ingest) throws SSLException, InterruptedException {
        return start(settings, authenticator, files, ingest, OperatorApi.disabled(), AdminApi.disabled(),
                ForwardingApi.disabled(), SignedReceipts.NONE, TusUrls.ephemeral(new SecureRandom()),
                HttpsConnections.none());
    }

    @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR has no replacement in Netty 4.2.18 yet
    private static HttpsServer start(HttpsSettings settings, Authenticator authenticator, FileService files,
                                     IngestService ingest, OperatorApi operators, AdminApi admin,
                                     ForwardingApi forwarding, SignedReceipts receipts, TusUrls tusUrls,
                                     HttpsConnections meters)
            throws SSLException, InterruptedException {
        AtomicReference<SslContext> tls = new AtomicReference<>(serverContext(settings, settings.tls()));
        Routes routes = new Routes(new HttpAuthentication(authenticator,
                settings.clientTls().mode() == ClientTls.Mode.REQUIRED),
                new FilesApi(files, ingest, settings.maxUploadBytes(), receipts),
                new TusApi(ingest, settings.maxUploadBytes(), receipts, tusUrls), operators, admin, forwarding);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vaultgate-https-accept"), io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("vaultgate-https-io"), io);
        EventExecutorGroup blocking = new DefaultEventExecutorGroup(settings.blockingThreads(),
                new DefaultThreadFactory("vaultgate-https-work"));
        ChannelGroup connections = new DefaultChannelGroup("vaultgate-https", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 64 * 1024,
                            MAX_READ_BYTES))
                    .childHandler(new HttpsInitializer(tls::get, settings, blocking, routes, connections, meters,
                            authenticator.access()))
                    .bind(settings.bindAddress(), settings.port())
                    .sync()
                    .channel();
            LOG.info("HTTPS listening on {} ({} transport, {} TLS, {})", channel.localAddress(),
                    epoll ? "epoll" : "nio", tls.get().getClass().getSimpleName(),
                    settings.http2().enabled() ? "HTTP/2 and HTTP/1.1" : "HTTP/1.1 only");
            return new HttpsServer(boss, workers, blocking, channel, connections, tls, settings);
        } catch (InterruptedException | RuntimeException e) {
            shutdown(boss, workers, blocking);
            throw e;
        }
    }

    /**
     * Serves the connections accepted from now on with {@code material} (a renewed or imported certificate), under
     * the same TLS policy, client-certificate anchors and ALPN as at start; connections already open keep the
     * certificate they were handshaken with. The new context is built before it replaces the old one, so material
     * the TLS provider refuses throws here and the listener goes on serving the old certificate.
     *
     * @throws SSLException the key and certificate do not make a TLS context (nothing was replaced)
     */
    public void replaceTls(TlsMaterial material) throws SSLException {
        SslContext next = serverContext(settings, material);
        tls.set(next);
        LOG.info("HTTPS serves a new certificate from now on: {}", material);
    }

    /**
     * Closes {@code resource} when the listener closes, before it: what feeds the listener, such as the watcher that
     * reloads its certificate files ({@link #replaceTls}).
     */
    public void closeWith(AutoCloseable resource) {
        closedFirst.add(resource);
    }

    private static SslContext serverContext(HttpsSettings settings, TlsMaterial material) throws SSLException {
        return ServerTls.serverContext(material, settings.clientTls(), ServerTls.preferredProvider(),
                settings.http2().enabled());
    }

    /** The bound port: the configured one, or the one the system picked for port 0. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        for (AutoCloseable resource : closedFirst) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} with the HTTPS listener: {}", resource, e.toString());
            }
        }
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdown(boss, workers, blocking);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup blocking) {
        // Network loops first: closing their connections still runs the API handlers' clean-up on the
        // blocking executors (an interrupted upload is aborted), which therefore stop last.
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(100, 3000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        blocking.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
