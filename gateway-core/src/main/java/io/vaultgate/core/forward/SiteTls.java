package io.vaultgate.core.forward;

import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of mutual TLS towards one site: the site's pinned trust anchors only (never the JDK's
 * default CAs) with the site's CRLs if configured, the gateway's client key for that site, TLS 1.3 and 1.2 with AEAD suites only, and
 * hostname verification against the endpoint's host.
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

    private SiteTls() {
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
