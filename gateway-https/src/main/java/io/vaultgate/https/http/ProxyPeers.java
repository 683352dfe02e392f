package io.vaultgate.https.http;

import io.vaultgate.core.tenant.Cidr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The balancers whose connections carry a PROXY header ({@code https.proxy-protocol.trusted}). A connection from one
 * of them must start with a header; a connection from anywhere else must not. Empty: the PROXY protocol is off.
 */
public record ProxyPeers(List<Cidr> trusted) {

    public static final ProxyPeers NONE = new ProxyPeers(List.of());

    public ProxyPeers {
        trusted = List.copyOf(trusted);
    }

    public boolean enabled() {
        return !trusted.isEmpty();
    }

    /** Whether the TCP peer (never an address a header claims) is a trusted balancer. */
    public boolean trusts(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && trusted.stream().anyMatch(cidr -> cidr.contains(inet.getAddress()));
    }
}
