package io.vaultgate.https.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vaultgate.https.http.ConnectionChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client certificate of a connection, only when its TLS handshake completed and verified one. The
 * server asks for a certificate only with a {@code ClientTls} mode other than NONE, and then its trust
 * manager fails the handshake for any certificate that does not chain to an anchor or is out of date; so
 * a peer certificate in a successfully handshaken session is a verified one. The leaf is returned; the
 * rest of the chain says nothing about who the client is.
 */
public final class PeerCertificate {

    private PeerCertificate() {
    }

    /** For an HTTP/2 stream, the certificate of its connection's TLS session. */
    public static Optional<X509Certificate> verified(Channel channel) {
        SslHandler tls = ConnectionChannel.of(channel).pipeline().get(SslHandler.class);
        if (tls == null || !tls.handshakeFuture().isSuccess()) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }
}
