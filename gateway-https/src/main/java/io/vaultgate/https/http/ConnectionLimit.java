package io.vaultgate.https.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vaultgate.core.auth.AccessControl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client address may hold open, and refuses addresses the defender has banned or
 * the address lists deny; either is closed before the TLS handshake, so it costs no crypto. One instance is
 * shared by all connections of one server (it owns the counts).
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int maxPerAddress;
    private final AccessControl access;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /** Counts only; admits every address. */
    public ConnectionLimit(int maxPerAddress) {
        this(maxPerAddress, AccessControl.open());
    }

    /** @param access the core's access control (from {@code Authenticator.access()}): the defender's verdict */
    public ConnectionLimit(int maxPerAddress, AccessControl access) {
        this.maxPerAddress = maxPerAddress;
        this.access = access;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ClientAddress.of(ctx.channel()) instanceof InetSocketAddress remote)) {
            ctx.fireChannelActive();
            return;
        }
        InetAddress address = remote.getAddress();
        if (!access.admits(address.getHostAddress(), "connect")) {
            LOG.debug("connection from {} refused by the defender", address.getHostAddress());
            ctx.close();
            return;
        }
        int count = open.merge(address, 1, Integer::sum);
        ctx.channel().closeFuture().addListener(closed -> open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null));
        if (count > maxPerAddress) {
            LOG.warn("connection from {} refused: {} connections open, the limit is {}", address.getHostAddress(),
                    count - 1, maxPerAddress);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    /** Connections now open from {@code address}. */
    public int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
