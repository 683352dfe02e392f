package io.vaultgate.sftp.proxy;

import io.vaultgate.core.tenant.Cidr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.apache.sshd.common.session.Session;

/**
 * The balancers whose connections carry a PROXY header ({@code sftp.proxy-protocol.trusted}). A connection from one
 * of them must start with a header; a connection from anywhere else must not. Empty: the PROXY protocol is off.
 */
public record ProxyTrust(List<Cidr> trusted) {

    public ProxyTrust {
        trusted = List.copyOf(trusted);
    }

    public static ProxyTrust none() {
        return new ProxyTrust(List.of());
    }

    public boolean enabled() {
        return !trusted.isEmpty();
    }

    /** Whether the TCP peer (not the address a header claims) is a trusted balancer. */
    public boolean trusts(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && trusted.stream().anyMatch(cidr -> cidr.contains(inet.getAddress()));
    }

    /** Whether the session's TCP peer is a trusted balancer. */
    public boolean trusts(Session session) {
        return enabled() && session.getIoSession() != null && trusts(session.getIoSession().getRemoteAddress());
    }
}
