package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client's address for a connection: the one a trusted balancer's PROXY header named ({@link ProxyProtocolGate}),
 * otherwise the TCP peer's. Everything that judges or records a client (the defender, the per-address limit, tenant
 * source networks, audit, logs) reads it here rather than from {@code channel.remoteAddress()}.
 */
public final class ClientAddress {

    static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf(ClientAddress.class, "proxied");

    private ClientAddress() {
    }

    /** For an HTTP/2 stream, the address of its connection. */
    public static SocketAddress of(Channel channel) {
        Channel connection = ConnectionChannel.of(channel);
        InetSocketAddress proxied = connection.attr(PROXIED).get();
        return proxied != null ? proxied : connection.remoteAddress();
    }

    /** The client's IP address as text. */
    public static String text(Channel channel) {
        return Peer.address(of(channel));
    }
}
