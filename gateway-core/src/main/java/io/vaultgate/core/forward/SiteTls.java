package io.vaultgate.core.forward;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of mutual TLS towards one site: the site's pinned trust anchors only (never the JDK's
 * default CAs) with the site's CRLs if configured, the gateway's client key for that site, TLS 1.3 and 1.2 with AEAD suites only, and
 * hostname verification against the endpoint's host; with BoringSSL ({@link SiteTlsProvider#OPENSSL}) or the
 * JDK's TLS, the same policy.
 */
final class SiteTls {

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Opens connections to one site with its TLS configuration, handshake done; connecting and the whole
     * handshake within {@code connectTimeout}, enforced by closing the socket from {@code timer}.
     */
    @FunctionalInterface
    interface Connector {
        SiteConnection open(String host, int port, Duration connectTimeout, ScheduledExecutorService timer)
                throws IOException;
    }

    private SiteTls() {
    }

    /**
     * The site's connector with {@code provider}'s TLS: reads the client key file and builds the context;
     * fails if the key or certificates are unusable.
     */
    static Connector connector(SiteForwarding site, SecureRandom random, SiteTlsProvider provider)
            throws IOException, GeneralSecurityException {
        if (provider == SiteTlsProvider.OPENSSL) {
            SslContext context = openSslContext(site);
            return (host, port, timeout, timer) -> SiteConnection.open(context, host, port, timeout, timer);
        }
        SSLContext context = context(site, random);
        SSLSocketFactory factory = context.getSocketFactory();
        SSLParameters parameters = parameters(context);
        return (host, port, timeout, timer) -> SiteConnection.open(factory, parameters, host, port, timeout,
                timer);
    }

    /**
     * The same policy for BoringSSL (netty-tcnative): the pinned anchors and CRLs through the same JDK trust
     * manager ({@link PinnedTrust}, which also checks the host name: the engine's endpoint identification is
     * {@code HTTPS}), the client key, TLS 1.3 and 1.2, the AEAD suites (BoringSSL's TLS 1.3 suites are all AEAD).
     */
    static SslContext openSslContext(SiteForwarding site) throws IOException, GeneralSecurityException {
        PrivateKey key = Pem.readPrivateKey(site.clientKeyFile());
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .keyManager(key, site.clientChain())
                .trustManager(PinnedTrust.trustManagers(site.trustAnchors(), site.revocationLists()))
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    /** Reads the client key file and builds the site's context; fails if the key or certificates are unusable. */
    static SSLContext context(SiteForwarding site, SecureRandom random) throws IOException, GeneralSecurityException {
        char[] password = new char[0];
        PrivateKey key = Pem.readPrivateKey(site.clientKeyFile());
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("client", key, password, site.clientChain().toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, password);

        TrustManagerFactory trust = PinnedTrust.trustManagers(site.trustAnchors(), site.revocationLists());

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), random);
        return context;
    }

    /** The protocol and suite policy, with hostname verification on. */
    static SSLParameters parameters(SSLContext context) {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        SSLParameters parameters = new SSLParameters(
                CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new),
                PROTOCOLS.toArray(String[]::new));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }
}
