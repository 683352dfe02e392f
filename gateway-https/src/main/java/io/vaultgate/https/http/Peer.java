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
 * @param channel     the connection, so that an authenticated session can be registered and ended (a lockdown
 *                    or revocation closes it); empty outside a real pipeline
 */
public record Peer(String address, Optional<X509Certificate> certificate, Optional<Channel> channel) {

    public Peer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(channel, "channel");
    }

    /** A peer without a known connection. */
    public Peer(String address, Optional<X509Certificate> certificate) {
        this(address, certificate, Optional.empty());
    }

    /** A client without a certificate. */
    public static Peer at(String address) {
        return new Peer(address, Optional.empty());
    }

    /** The client address is {@link ClientAddress}'s. Read per request, so a renegotiated session's certificate is the one that counts. */
    public static Peer of(Channel channel) {
        return new Peer(ClientAddress.text(channel), PeerCertificate.verified(channel), Optional.of(channel));
    }

    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
