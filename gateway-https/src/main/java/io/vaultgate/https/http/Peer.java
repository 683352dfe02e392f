package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.vaultgate.https.tls.PeerCertificate;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * The client at the other end of a connection, as the handshake and the socket know it.
 *
 * @param address     the client's IP address, for audit and IP policy
 * @param certificate the TLS client certificate the handshake verified; empty when none was sent or asked for
 */
public record Peer(String address, Optional<X509Certificate> certificate) {

    public Peer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** A client without a certificate. */
    public static Peer at(String address) {
        return new Peer(address, Optional.empty());
    }

    /** Read per request, so a renegotiated session's certificate is the one that counts. */
    public static Peer of(Channel channel) {
        return new Peer(address(channel.remoteAddress()), PeerCertificate.verified(channel));
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
