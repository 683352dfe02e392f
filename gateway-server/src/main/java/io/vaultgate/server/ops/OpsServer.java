package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.ConnectionRefusals;
import io.vaultgate.core.defender.ListenerCap;
import io.vaultgate.https.http.ConnectionLimit;
import io.vaultgate.https.http.KeepAliveTimeout;
import io.vaultgate.https.http.RequestHeaderTimeout;
import io.vaultgate.https.http.StrictRequestDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The ops listener: a small HTTP server, separate from the client-facing front-ends and bound to loopback
 * by default. {@code /health/live} and {@code /health/ready} answer anyone (load balancers and
 * orchestrators probe them), with checks' names and states but not their reasons (readiness from a run of the
 * checks at most {@link HealthHandler#READY_CACHE} old, so anonymous requests cannot drive the catalog);
 * {@code /metrics} and {@code /status.json} need a monitor's or administrator's token ({@link AdminTokenFilter}) and
 * run the checks each time ({@code /status.json} hides the transfers' paths and login names from a monitor,
 * {@link MonitorView}); the status page's static files carry no data and are public. HTTPS (TLS 1.3 and 1.2, the gateway's AEAD suites only,
 * {@link OpsTls}) when the settings carry a TLS context, else plain HTTP: then keep it on loopback or a management
 * network.
 *
 * <p>Served by Netty on one network thread, with the HTTPS front-end's guards: the listener's connection cap
 * ({@link OpsSettings#maxConnections()}, {@code ops.max-connections}, {@link ListenerCap}: a connection past it is closed
 * as it is accepted, before any handler, TLS engine or read), the per-address connection cap
 * ({@link ConnectionLimit}), both counted in {@code vaultgate_ops_connections_refused_total} by reason, the strict
 * request decoder with small limits, the request-head deadline
 * ({@link RequestHeaderTimeout}, {@link OpsSettings#requestTimeout()}) and the idle limit between requests
 * ({@link KeepAliveTimeout}, {@link OpsSettings#idleTimeout()}, {@code ops.idle-timeout}), which gives an idle
 * kept-alive connection's places in both caps back. A client that opens connections and sends
 * nothing costs a socket and a timer until the idle limit, one that sends its request a byte at a time until the
 * request-head deadline, never a thread, so
 * {@code /health/live} (answered on the network thread) and the scrapes keep being answered meanwhile. Only what
 * reads the catalog (token checks, readiness, the scrape's gauges, the status report) runs on {@link #WORKERS}
 * worker threads, behind a queue of {@link #QUEUE}; past that, requests are answered 503 at once.
 */
public final class OpsServer implements AutoCloseable {

    /** Threads for the endpoints that read the catalog. */
    static final int WORKERS = 4;
    /** Requests for those endpoints that may wait for a worker; more are answered 503. */
    static final int QUEUE = 64;
    /**
     * Connections one client address (an IPv6 client's /64) may hold open; more are closed at once. Its clients are a
     * few monitors, balancers' health checks and a browser's status page (6 at most), and seven sources are needed to
     * fill the default {@code ops.max-connections} of 100 (at 32, four could, and the balancers' checks would then mark
     * the node down). 16 is enough since idle connections are closed after {@code ops.idle-timeout}
     * ({@link KeepAliveTimeout}): a client that opens a connection per poll and leaves it open (a JDK
     * {@code HttpClient} per poll) holds one per poll of the last 5 s, not of the last 10 s (the request-head deadline,
     * which used to be all that closed them), so up to 3 polls a second fit.
     */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 16;
    /** The request line (method, target, version), in bytes. */
    static final int MAX_REQUEST_LINE = 2048;
    /** All request headers together, in bytes. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** An answer the client does not read within this long closes the connection. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final EventLoopGroup loop;
    private final ThreadPoolExecutor workers;
    private final Channel channel;
    private final ChannelGroup connections;

    private OpsServer(EventLoopGroup loop, ThreadPoolExecutor workers, Channel channel, ChannelGroup connections) {
        this.loop = loop;
        this.workers = workers;
        this.channel = channel;
        this.connections = connections;
    }

    /** Binds and starts serving; fails with the {@link IOException} of the bind (e.g. address in use). */
    public static OpsServer start(OpsSettings settings, OpsServices services, Clock clock) throws IOException {
        return start(settings, services, clock, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock of {@code /health/ready}'s answer cache ({@link HealthHandler}) */
    static OpsServer start(OpsSettings settings, OpsServices services, Clock clock, LongSupplier nanoTime)
            throws IOException {
        Map<String, Route> routes = routes(services, settings, clock, nanoTime);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port());
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), new DefaultThreadFactory("vaultgate-ops-work", true));
        workers.allowCoreThreadTimeOut(true);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vaultgate-ops-io", true),
                NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("vaultgate-ops", GlobalEventExecutor.INSTANCE);
        ConnectionRefusals refusals = ConnectionRefusals.registeredIn(services.registry(), "ops",
                "ops listener connections closed for a connection cap, by reason");
        ListenerCap cap = new ListenerCap("ops.max-connections", settings.maxConnections(),
                refusals.of(ConnectionRefusals.Reason.MAX_CONNECTIONS));
        ConnectionLimit limit = new ConnectionLimit(MAX_CONNECTIONS_PER_ADDRESS, AccessControl.open(),
                refusals.of(ConnectionRefusals.Reason.MAX_CONNECTIONS_PER_SOURCE));
        ChannelFuture bound = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel connection) {
                        if (!cap.tryAcquire()) {
                            connection.close();
                            return;
                        }
                        connection.closeFuture().addListener(closed -> cap.release());
                        connections.add(connection);
                        ChannelPipeline pipeline = connection.pipeline();
                        KeepAliveTimeout keepAlive = new KeepAliveTimeout("ops", settings.idleTimeout());
                        pipeline.addLast("limit", limit);
                        pipeline.addLast("idleBytes", keepAlive.bytes());
                        settings.tls().ifPresent(tls -> {
                            pipeline.addLast("tls", tls.newHandler(connection.alloc()));
                            pipeline.addLast("idleTls", keepAlive.tls());
                        });
                        pipeline.addLast("writeTimeout", new WriteTimeoutHandler(WRITE_TIMEOUT.toMillis(),
                                TimeUnit.MILLISECONDS));
                        pipeline.addLast("decoder", new StrictRequestDecoder(MAX_REQUEST_LINE, MAX_HEADER_BYTES,
                                8 * 1024));
                        pipeline.addLast("encoder", new HttpResponseEncoder());
                        pipeline.addLast("headerTimeout", new RequestHeaderTimeout(settings.requestTimeout()));
                        pipeline.addLast("idleRequests", keepAlive.requests());
                        pipeline.addLast("ops", new OpsHandler(routes, workers, settings.requestTimeout()));
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown(loop, workers);
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
        return new OpsServer(loop, workers, bound.channel(), connections);
    }

    private static Map<String, Route> routes(OpsServices services, OpsSettings settings, Clock clock,
                                             LongSupplier nanoTime) {
        ObjectMapper json = new ObjectMapper()
                .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));
        AdminTokenFilter admin = new AdminTokenFilter(services.authenticator().withoutDefender(), settings.tokenCache(),
                clock);
        Map<String, Route> routes = new HashMap<>();
        routes.putAll(new HealthHandler(services.checks(), json, HealthHandler.READY_CACHE, nanoTime).routes());
        MetricsHandler metrics = new MetricsHandler(services.registry(), services.beforeScrape());
        routes.put("/metrics", admin.protect((request, role) -> metrics.scrape(request)));
        routes.put("/status.json", admin.protect(new StatusHandler(services.status(), json)::report));
        routes.putAll(new StaticPage().routes());
        routes.put("/", Route.immediate(Reply.text(302, "see /status\n").withHeader("Location", "/status")));
        return Map.copyOf(routes);
    }

    private static void shutdown(EventLoopGroup loop, ThreadPoolExecutor workers) {
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
    }

    /** The bound port (the chosen one when configured with 0). */
    public int port() {
        return address().getPort();
    }

    /** The bound address, for log lines and URLs. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown(loop, workers);
    }
}
