package io.vaultgate.https;

import io.vaultgate.https.http.ProxyPeers;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the HTTPS listener needs besides the core services. Limits are enforced by the pipeline;
 * breaking one gives the client a specific status (413, 414, 431) rather than a dropped connection.
 *
 * @param bindAddress     address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port            TCP port; 0 picks a free one (see {@link HttpsServer#port()})
 * @param tls             server key and certificate chain
 * @param maxUploadBytes  largest request body accepted for one upload
 * @param idleTimeout     a connection with neither reads nor writes for this long is closed
 * @param maxHeaderBytes  total size of the request headers
 * @param maxUriLength    length of the request line
 * @param blockingThreads threads that run storage and authentication work off the network event loops
 * @param requestHeaderTimeout a request's headers must arrive within this long after the connection opened or
 *                        the previous response ended (slow-header, "slowloris", clients are cut off)
 * @param maxConnectionsPerAddress connections one client source may hold open at once
 *                        ({@code https.max-connections-per-source}): an IPv4 address, or an IPv6 address's /64 (the
 *                        defender's {@code SourceAddress.key})
 * @param clientTls       whether client certificates are asked for, and the CAs they must chain to
 * @param minBodyBytesPerSecond a request body that arrives slower than this on average, counted over the time
 *                        the server waited for it and after {@code requestHeaderTimeout} of such waiting, is cut
 *                        off (slow-body attacks); 0 turns the check off
 * @param proxies         balancers whose connections start with a PROXY header naming the client (none: off)
 * @param http2           whether ALPN offers HTTP/2, and the limits of an HTTP/2 connection
 * @param maxConnections  connections the listener holds open in all ({@code https.max-connections}); past it a
 *                        connection is closed as it is accepted, before any handler, TLS engine or read
 * @param keepAliveTimeout a connection with no request in flight (just opened, or its last request read and answered)
 *                        that receives no byte for this long is closed ({@code https.keep-alive-timeout},
 *                        {@link io.vaultgate.https.http.KeepAliveTimeout}), and so is an HTTP/2 connection without an
 *                        open stream, so that idle kept-alive connections give their places in the connection caps
 *                        back; at or past {@code requestHeaderTimeout} that deadline, counted from the same moment,
 *                        closes them first
 */
public record HttpsSettings(String bindAddress, int port, TlsMaterial tls, long maxUploadBytes, Duration idleTimeout,
                            int maxHeaderBytes, int maxUriLength, int blockingThreads, Duration requestHeaderTimeout,
                            int maxConnectionsPerAddress, ClientTls clientTls, long minBodyBytesPerSecond,
                            ProxyPeers proxies, Http2Limits http2, int maxConnections, Duration keepAliveTimeout) {

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L << 30;

    /**
     * The default of {@code https.max-connections}. Each connection costs a file descriptor and, until its TLS
     * handshake and request are done, some tens of KiB of heap (TLS engine and buffers); 1000 of them stay well within
     * the 1 GiB heap and the descriptor limit a service normally gets, and are ~15 sources at the per-source cap.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    /** The default of {@code https.max-connections-per-source}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 64;

    /**
     * The default of {@code https.keep-alive-timeout}, as Apache httpd's {@code KeepAliveTimeout} and Node's
     * {@code server.keepAliveTimeout}: curl, the tus clients and HTTP libraries send their next request on a kept-alive
     * connection within milliseconds, and a browser's page load or tus upload within a second, so they keep their
     * connection; a browser idle longer opens a new one (a TLS resumption). A source whose clients leave connections
     * open unused holds one per request of the last 5 s instead of the last 30 s (the request-head deadline, which
     * closed them before): with the per-source cap of 64, a client opening a connection per request may make 12 a
     * second, not 2.
     */
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The request-head deadline of {@link #defaults}: a request's head must be complete this long after the connection
     * opened or the previous answer was written.
     */
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(30);

    public HttpsSettings(String bindAddress, int port, TlsMaterial tls, long maxUploadBytes, Duration idleTimeout,
                         int maxHeaderBytes, int maxUriLength, int blockingThreads, Duration requestHeaderTimeout,
                         int maxConnectionsPerAddress, ClientTls clientTls, long minBodyBytesPerSecond,
                         ProxyPeers proxies, Http2Limits http2) {
        this(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength, blockingThreads,
                requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond, proxies, http2,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_KEEP_ALIVE_TIMEOUT);
    }

    public HttpsSettings(String bindAddress, int port, TlsMaterial tls, long maxUploadBytes, Duration idleTimeout,
                         int maxHeaderBytes, int maxUriLength, int blockingThreads, Duration requestHeaderTimeout,
                         int maxConnectionsPerAddress, ClientTls clientTls, long minBodyBytesPerSecond,
                         ProxyPeers proxies) {
        this(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength, blockingThreads,
                requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond, proxies,
                Http2Limits.OFF);
    }

    public HttpsSettings(String bindAddress, int port, TlsMaterial tls, long maxUploadBytes, Duration idleTimeout,
                         int maxHeaderBytes, int maxUriLength, int blockingThreads, Duration requestHeaderTimeout,
                         int maxConnectionsPerAddress, ClientTls clientTls, long minBodyBytesPerSecond) {
        this(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength, blockingThreads,
                requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond, ProxyPeers.NONE);
    }

    public HttpsSettings {
        Objects.requireNonNull(bindAddress, "https.bind: missing; give an address such as 0.0.0.0");
        Objects.requireNonNull(tls, "https.tls: missing; give a PKCS#12 key store or a key and certificate");
        Objects.requireNonNull(idleTimeout, "https.idle-timeout: missing; give a duration such as 60s");
        require(port >= 0 && port <= 65535, "https.port: " + port + " is not a TCP port; give 0-65535");
        require(maxUploadBytes > 0, "https.max-upload-size: must be positive, got " + maxUploadBytes);
        require(!idleTimeout.isNegative() && !idleTimeout.isZero(), "https.idle-timeout: must be positive, got " + idleTimeout);
        require(maxHeaderBytes >= 1024, "https.max-header-size: at least 1024 bytes, got " + maxHeaderBytes);
        require(maxUriLength >= 256, "https.max-uri-length: at least 256 characters, got " + maxUriLength);
        require(blockingThreads >= 1, "https.blocking-threads: at least 1, got " + blockingThreads);
        Objects.requireNonNull(requestHeaderTimeout, "https.request-header-timeout: missing; give a duration such as 30s");
        require(!requestHeaderTimeout.isNegative() && !requestHeaderTimeout.isZero(),
                "https.request-header-timeout: must be positive, got " + requestHeaderTimeout);
        require(minBodyBytesPerSecond >= 0, "https.min-body-rate: must be 0 (off) or positive, got "
                + minBodyBytesPerSecond);
        Objects.requireNonNull(clientTls, "https.client-certificates: missing; use ClientTls.NONE to ask for none");
        require(maxConnectionsPerAddress >= 1, "https.max-connections-per-source: at least 1, got "
                + maxConnectionsPerAddress);
        Objects.requireNonNull(proxies, "https.proxy-protocol: missing; use ProxyPeers.NONE for none");
        Objects.requireNonNull(http2, "https.http2: missing; use Http2Limits.OFF for HTTP/1.1 only");
        require(maxConnections >= 1, "https.max-connections: at least 1, got " + maxConnections);
        Objects.requireNonNull(keepAliveTimeout, "https.keep-alive-timeout: missing; give a duration such as 5s");
        require(!keepAliveTimeout.isNegative() && !keepAliveTimeout.isZero(),
                "https.keep-alive-timeout: must be positive, got " + keepAliveTimeout);
    }

    /** Listens on all addresses at port 443 with conservative limits, HTTP/1.1 only ({@link #withHttp2} turns HTTP/2 on). */
    public static HttpsSettings defaults(TlsMaterial tls) {
        return new HttpsSettings("0.0.0.0", 443, tls, DEFAULT_MAX_UPLOAD_BYTES, Duration.ofSeconds(60),
                16 * 1024, 8 * 1024, Math.max(4, 4 * Runtime.getRuntime().availableProcessors()),
                DEFAULT_REQUEST_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_SOURCE, ClientTls.NONE, 1024);
    }

    public HttpsSettings withAddress(String bind, int newPort) {
        return new HttpsSettings(bind, newPort, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withMaxUploadBytes(long max) {
        return new HttpsSettings(bindAddress, port, tls, max, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withIdleTimeout(Duration timeout) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, timeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withClientLimits(Duration headerTimeout, int connectionsPerAddress) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, headerTimeout, connectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withClientTls(ClientTls client) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, client, minBodyBytesPerSecond, proxies,
                http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withMinBodyRate(long bytesPerSecond) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, bytesPerSecond, proxies,
                http2, maxConnections, keepAliveTimeout);
    }

    public HttpsSettings withProxies(ProxyPeers newProxies) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                newProxies, http2, maxConnections, keepAliveTimeout);
    }

    /** At most {@code max} connections open on the listener at once. */
    public HttpsSettings withMaxConnections(int max) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, max, keepAliveTimeout);
    }

    /** At most {@code max} connections open from one source (an IPv4 address, an IPv6 /64) at once. */
    public HttpsSettings withMaxConnectionsPerSource(int max) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, max, clientTls, minBodyBytesPerSecond, proxies, http2,
                maxConnections, keepAliveTimeout);
    }

    /** HTTP/2 on or off ({@link Http2Limits#OFF}), or other HTTP/2 limits. */
    public HttpsSettings withHttp2(Http2Limits limits) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, limits, maxConnections, keepAliveTimeout);
    }

    /**
     * A connection without a request in flight, or an HTTP/2 connection without an open stream, that receives no
     * byte for {@code timeout} is closed.
     */
    public HttpsSettings withKeepAliveTimeout(Duration timeout) {
        return new HttpsSettings(bindAddress, port, tls, maxUploadBytes, idleTimeout, maxHeaderBytes, maxUriLength,
                blockingThreads, requestHeaderTimeout, maxConnectionsPerAddress, clientTls, minBodyBytesPerSecond,
                proxies, http2, maxConnections, timeout);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
