package io.vaultgate.server.config;

import io.vaultgate.https.HttpsSettings;
import java.time.Duration;

/**
 * The HTTPS front-end ({@code https.*}): uploads, downloads, operator, admin and ops endpoints.
 *
 * @param enabled        whether the HTTPS listener starts
 * @param bind           address to listen on
 * @param port           TCP port; 0 picks a free port at start-up
 * @param maxUploadSize  largest single upload accepted; larger ones are refused before any byte is stored
 * @param maxConnections connections the listener holds open at once, from all sources together; past it a
 *                       connection is closed before any TLS work
 * @param maxConnectionsPerSource connections one source holds open at once (an IPv4 address, an IPv6 client's
 *                       /64); past it a connection is closed before any TLS work
 * @param proxyProtocol  the load balancers that send a PROXY header ({@code https.proxy-protocol.trusted})
 * @param http2          whether ALPN offers HTTP/2 ({@code h2}) besides HTTP/1.1 (docs/https.md, "HTTP/2")
 * @param keepAliveTimeout a connection with no request in flight that receives no byte for this long is closed, and
 *                       so is an HTTP/2 connection with no open stream, so idle kept-alive connections do not hold
 *                       places of the connection caps; 1 s up to the request-head deadline
 *                       ({@link HttpsSettings#DEFAULT_REQUEST_HEADER_TIMEOUT}), which closes them anyway
 */
public record HttpsConfig(boolean enabled, String bind, int port, DataSize maxUploadSize, int maxConnections,
                          int maxConnectionsPerSource, ProxyProtocolConfig proxyProtocol, boolean http2,
                          Duration keepAliveTimeout) {

    public HttpsConfig(boolean enabled, String bind, int port, DataSize maxUploadSize) {
        this(enabled, bind, port, maxUploadSize, ProxyProtocolConfig.off());
    }

    public HttpsConfig(boolean enabled, String bind, int port, DataSize maxUploadSize,
                       ProxyProtocolConfig proxyProtocol) {
        this(enabled, bind, port, maxUploadSize, proxyProtocol, false);
    }

    public HttpsConfig(boolean enabled, String bind, int port, DataSize maxUploadSize,
                       ProxyProtocolConfig proxyProtocol, boolean http2) {
        this(enabled, bind, port, maxUploadSize, HttpsSettings.DEFAULT_MAX_CONNECTIONS,
                HttpsSettings.DEFAULT_MAX_CONNECTIONS_PER_SOURCE, proxyProtocol, http2);
    }

    public HttpsConfig(boolean enabled, String bind, int port, DataSize maxUploadSize, int maxConnections,
                       int maxConnectionsPerSource, ProxyProtocolConfig proxyProtocol, boolean http2) {
        this(enabled, bind, port, maxUploadSize, maxConnections, maxConnectionsPerSource, proxyProtocol, http2,
                HttpsSettings.DEFAULT_KEEP_ALIVE_TIMEOUT);
    }

    public HttpsConfig {
        Require.host("https.bind", bind);
        Require.port("https.port", port);
        Require.between("https.max-upload-size", maxUploadSize, DataSize.ofBytes(1),
                DataSize.ofBytes(Long.MAX_VALUE));
        Require.between("https.max-connections", maxConnections, 1, 100_000);
        Require.between("https.max-connections-per-source", maxConnectionsPerSource, 1, 100_000);
        Require.present("https.proxy-protocol", proxyProtocol).cidrs("https.proxy-protocol.trusted");
        Require.between("https.keep-alive-timeout", keepAliveTimeout, Duration.ofSeconds(1),
                HttpsSettings.DEFAULT_REQUEST_HEADER_TIMEOUT);
    }

    public static HttpsConfig defaults() {
        return new HttpsConfig(true, "0.0.0.0", 8443, DataSize.ofGibibytes(100));
    }
}
