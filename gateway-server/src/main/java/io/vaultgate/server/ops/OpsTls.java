package io.vaultgate.server.ops;

import io.vaultgate.https.tls.ServerTls;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for the ops listener ({@code ops.tls: true}), with the gateway's own HTTPS key and certificate chain.
 * The gateway's TLS policy ({@link ServerTls}): TLS 1.3 and 1.2 only, and only its AEAD suites with forward secrecy.
 * The JDK's defaults would also negotiate TLS 1.2 CBC suites with SHA-1 and SHA-384 MACs, so {@link OpsServer} sets
 * both lists.
 */
public final class OpsTls {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private OpsTls() {
    }

    /** {@link ServerTls#CIPHER_SUITES} that {@code context} supports, in that order. */
    static String[] cipherSuites(SSLContext context) {
        List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
        return ServerTls.CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
    }

    /** A server context presenting {@code chain} (leaf first) with {@code key}. */
    public static SSLContext serverContext(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        store.setKeyEntry("ops", key, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
