package io.vaultgate.https.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.ClientAuth;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.TlsMaterial;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The server's TLS policy in one place: TLS 1.3 and 1.2 only, AEAD suites with forward secrecy only,
 * ALPN {@code h2} (when HTTP/2 is on) and {@code http/1.1}, client certificates verified against the configured anchors when asked for. BoringSSL (netty-tcnative) is used when it loads, the JDK provider otherwise;
 * both get the same protocol and suite lists.
 */
public final class ServerTls {

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** TLS 1.3 suites (all AEAD) and the ECDHE + AEAD suites of TLS 1.2; nothing with CBC, RC4, SHA-1 MACs or RSA key exchange. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private ServerTls() {
    }

    /** OpenSSL when netty-tcnative loaded and supports ALPN, the JDK otherwise. */
    public static SslProvider preferredProvider() {
        return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
                ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public static SslContext serverContext(TlsMaterial material, ClientTls clients) throws SSLException {
        return serverContext(material, clients, preferredProvider());
    }

    /** ALPN {@code http/1.1} only. */
    public static SslContext serverContext(TlsMaterial material, ClientTls clients, SslProvider provider)
            throws SSLException {
        return serverContext(material, clients, provider, false);
    }

    /**
     * @param http2 ALPN offers {@code h2} first, then {@code http/1.1}: the server picks the first of its own list
     *              the client offers, so a client that speaks both gets HTTP/2. Every TLS 1.2 suite here is an
     *              ephemeral (EC)DHE AEAD suite, which is what HTTP/2 requires of TLS 1.2 (RFC 9113 9.2.2).
     */
    public static SslContext serverContext(TlsMaterial material, ClientTls clients, SslProvider provider,
                                           boolean http2) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(material.key(), material.chain());
        if (clients.mode() != ClientTls.Mode.NONE) {
            builder.trustManager(clients.trustAnchors())
                    .clientAuth(clients.mode() == ClientTls.Mode.REQUIRED ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return builder.sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        http2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                                : List.of(ApplicationProtocolNames.HTTP_1_1)))
                .build();
    }
}
