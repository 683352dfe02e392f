package io.vaultgate.https.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client address may hold open; one over the cap is closed before the TLS
 * handshake. One instance is shared by all connections of one server (it owns the counts).
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int maxPerAddress;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    public ConnectionLimit(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress remote)) {
            ctx.fireChannelActive();
            return;
        }
        InetAddress address = remote.getAddress();
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
