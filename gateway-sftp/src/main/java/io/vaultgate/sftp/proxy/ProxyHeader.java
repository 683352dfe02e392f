package io.vaultgate.sftp.proxy;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A parsed PROXY protocol header (v1 text or v2 binary, https://www.haproxy.org/download/2.0/doc/proxy-protocol.txt).
 *
 * @param source the client's address as the balancer saw it; empty for a v2 {@code LOCAL} command (the balancer's
 *               own health check) or a v1 {@code UNKNOWN} / v2 {@code UNSPEC} family, where the peer address counts
 * @param length the header's length in bytes; the SSH identification line starts right after it
 */
public record ProxyHeader(Optional<InetSocketAddress> source, int length) {
}
