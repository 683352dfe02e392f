package io.vaultgate.https;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.ConnectionRefusals;
import io.vaultgate.core.defender.ListenerCap;
import io.vaultgate.https.h2.Http2Pipeline;
import io.vaultgate.https.http.ApiHandler;
import io.vaultgate.https.http.ConnectionLimit;
import io.vaultgate.https.http.RequestHeaderTimeout;
import io.vaultgate.https.http.Dispatcher;
import io.vaultgate.https.http.KeepAliveTimeout;
import io.vaultgate.https.http.ListenerPlaces;
import io.vaultgate.https.http.MinimumBodyRate;
import io.vaultgate.https.http.ProxyProtocolGate;
import io.vaultgate.https.http.StrictRequestDecoder;
import io.vaultgate.https.metrics.HttpsConnections;
import io.vaultgate.https.metrics.SessionMdc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wires one connection's pipeline and nothing else. With HTTP/2 on, a connection whose handshake chose ALPN
 * {@code h2} swaps its HTTP/1.1 handlers for HTTP/2 ones ({@link Http2Pipeline}) and runs the same request handlers
 * on each stream. TLS, idle timeout and HTTP framing run on the
 * network event loop; the chunked writer and the API handler run on {@code blocking}, because they call
 * into storage and authentication, which may block. A connection idle between requests is closed after
 * {@code https.keep-alive-timeout} ({@link KeepAliveTimeout} on HTTP/1.1; on HTTP/2 the {@code ConnectionGuard} closes
 * one without an open stream), giving its places in the connection caps back. A connection past the listener's cap
 * ({@code https.max-connections}) takes the place of the connection that has waited longest for a request head, if
 * one has waited 2 s or more ({@link ListenerPlaces}); otherwise it is closed before its pipeline
 * is built: no handler, TLS engine or buffer is made for it and nothing is read. The connection meters come first, then the per-source limit and the defender's verdict,
 * both before TLS; the session id is put in the logging MDC on the blocking executor, just before the handlers that
 * log. Right after the meters, the PROXY protocol gate names the client of a trusted balancer's connection, so the
 * limit, the defender and everything after see the real client.
 */
public final class HttpsInitializer extends ChannelInitializer<SocketChannel> {

    /** The handlers an HTTP/1.1 connection has and an HTTP/2 one does not. */
    private static final List<String> HTTP1_HANDLERS = List.of("keepAliveBytes", "keepAliveTls", "decoder", "encoder",
            "headerTimeout", "keepAlive", "bodyRate", "session", "chunked", "api");

    private final Supplier<SslContext> tls;
    private final HttpsSettings settings;
    private final EventExecutorGroup blocking;
    private final Dispatcher dispatcher;
    private final ChannelGroup connections;
    private final ListenerPlaces listenerPlaces;
    private final ConnectionLimit connectionLimit;
    private final HttpsConnections meters;
    private final AccessControl access;

    /**
     * @param connections every accepted connection joins it, so that the server can close them all
     * @param meters      counts connections accepted and open ({@link HttpsConnections#registeredIn})
     * @param access      the defender ({@code Authenticator.access()}): a banned or denied address is closed as
     *                    soon as it connects, before any TLS work
     */
    public HttpsInitializer(SslContext tls, HttpsSettings settings, EventExecutorGroup blocking, Dispatcher dispatcher,
                            ChannelGroup connections, HttpsConnections meters, AccessControl access) {
        this(() -> tls, settings, blocking, dispatcher, connections, meters, access);
    }

    /**
     * As above, with the TLS context asked for at each new connection: {@link HttpsServer#replaceTls} swaps it, and
     * the connections accepted after that get the new certificate while those already open keep theirs.
     */
    public HttpsInitializer(Supplier<SslContext> tls, HttpsSettings settings, EventExecutorGroup blocking,
                            Dispatcher dispatcher, ChannelGroup connections, HttpsConnections meters,
                            AccessControl access) {
        this.meters = meters;
        this.access = access;
        this.connections = connections;
        this.connectionLimit = new ConnectionLimit(settings.maxConnectionsPerAddress(), access,
                meters.refusals(ConnectionRefusals.Reason.MAX_CONNECTIONS_PER_SOURCE), meters.evictions());
        this.listenerPlaces = new ListenerPlaces(new ListenerCap("https.max-connections", settings.maxConnections(),
                meters.refusals(ConnectionRefusals.Reason.MAX_CONNECTIONS)), connectionLimit, settings.proxies());
        this.tls = tls;
        this.settings = settings;
        this.blocking = blocking;
        this.dispatcher = dispatcher;
    }

    /**
     * Handlers bound to an {@link EventExecutorGroup} are deprecated in Netty 4.2 but still the simplest
     * way to run blocking work in per-channel order off the event loop; replacing it means an ordered
     * executor per connection inside {@code ApiHandler}.
     */
    @Override
    @SuppressWarnings("deprecation")
    protected void initChannel(SocketChannel channel) {
        if (!listenerPlaces.admit(channel)) {
            channel.close();
            return;
        }
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("meters", meters.handler());
        pipeline.addLast("proxy", new ProxyProtocolGate(settings.proxies(), settings.requestHeaderTimeout()));
        pipeline.addLast("limit", connectionLimit);
        KeepAliveTimeout keepAlive = new KeepAliveTimeout("https", settings.keepAliveTimeout());
        pipeline.addLast("keepAliveBytes", keepAlive.bytes());
        pipeline.addLast("tls", tls.get().newHandler(channel.alloc()));
        pipeline.addLast("keepAliveTls", keepAlive.tls());
        pipeline.addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        if (settings.http2().enabled()) {
            // ALPN h2: the HTTP/1.1 handlers below are replaced, each stream gets the request handlers
            pipeline.addLast("alpn", new Http2Pipeline(settings.http2(), settings.maxHeaderBytes(),
                    settings.maxUriLength(), noStreamTimeout(), settings.idleTimeout(), HTTP1_HANDLERS,
                    this::addRequestHandlers));
        }
        // Body content is passed on in pieces of up to one socket read, so a read is one hand-off to the
        // blocking executor rather than one per 64 KiB (the pieces are slices of the read, never copies).
        pipeline.addLast("decoder", new StrictRequestDecoder(settings.maxUriLength(), settings.maxHeaderBytes(),
                HttpsServer.MAX_READ_BYTES));
        pipeline.addLast("encoder", new HttpResponseEncoder());
        pipeline.addLast("headerTimeout", new RequestHeaderTimeout(settings.requestHeaderTimeout()));
        pipeline.addLast("keepAlive", keepAlive.requests());
        addRequestHandlers(pipeline);
    }

    /**
     * How long an HTTP/2 connection may stay without an open stream: the keep-alive timeout, as an HTTP/1.1
     * connection between requests, but never longer than the request-head deadline (a stream opens only once its
     * whole header block arrived, so this also bounds a head trickled in CONTINUATION frames).
     */
    private Duration noStreamTimeout() {
        return settings.keepAliveTimeout().compareTo(settings.requestHeaderTimeout()) < 0
                ? settings.keepAliveTimeout() : settings.requestHeaderTimeout();
    }

    /**
     * What runs each request, on an HTTP/1.1 connection and on each stream of an HTTP/2 one alike: the body rate
     * check, then on the blocking executor the logging MDC, the chunked writer for downloads and the API.
     */
    @SuppressWarnings("deprecation")
    private void addRequestHandlers(ChannelPipeline pipeline) {
        pipeline.addLast("bodyRate", new MinimumBodyRate(settings.minBodyBytesPerSecond(), settings.requestHeaderTimeout()));
        pipeline.addLast(blocking, "session", new SessionMdc());
        pipeline.addLast(blocking, "chunked", new ChunkedWriteHandler());
        pipeline.addLast(blocking, "api", new ApiHandler(dispatcher, access));
    }
}
