package io.vaultgate.server.ops;

import io.netty.handler.ssl.SslContext;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.tls.ServerTls;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS for the ops listener ({@code ops.tls: true}), with the gateway's own HTTPS key and certificate chain and the
 * HTTPS front-end's policy, from the same place ({@link ServerTls}): TLS 1.3 and 1.2 only, and only its AEAD suites
 * with forward secrecy; no client certificates.
 */
public final class OpsTls {

    private OpsTls() {
    }

    /** A server context presenting {@code chain} (leaf first) with {@code key}. */
    public static SslContext serverContext(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        return serverContext(TlsMaterial.of(key, chain));
    }

    /**
     * A server context presenting {@code material}; the application keeps it in a {@link ReplaceableSslContext},
     * which the certificate watcher gives a new one when the files are renewed.
     */
    public static SslContext serverContext(TlsMaterial material) throws SSLException {
        return ServerTls.serverContext(material, ClientTls.NONE);
    }
}
