package io.vaultgate.https.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client source may hold open, and refuses addresses the defender has banned or
 * the address lists deny; either is closed before the TLS handshake, so it costs no crypto. A source is what the
 * defender scores and bans ({@link SourceAddress#key}): an IPv4 address, or an IPv6 address's /64, since any IPv6
 * client holds a whole /64 and would otherwise hold the cap once per address it takes. One instance is shared by all
 * connections of one server (it owns the counts).
 */
@ChannelHandler.Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int maxPerAddress;
    private final AccessControl access;
    private final RefusalLog refusals = new RefusalLog(LOG);
    private final Runnable refused;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    /** Counts only; admits every address. */
    public ConnectionLimit(int maxPerAddress) {
        this(maxPerAddress, AccessControl.open());
    }

    /** @param access the core's access control (from {@code Authenticator.access()}): the defender's verdict */
    public ConnectionLimit(int maxPerAddress, AccessControl access) {
        this(maxPerAddress, access, () -> { });
    }

    /** @param refused counts one connection closed for the cap (not those the defender refuses: it counts them) */
    public ConnectionLimit(int maxPerAddress, AccessControl access, Runnable refused) {
        this.maxPerAddress = maxPerAddress;
        this.access = access;
        this.refused = refused;
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
        String source = SourceAddress.key(address);
        int count = open.merge(source, 1, Integer::sum);
        ctx.channel().closeFuture().addListener(closed -> open.computeIfPresent(source, (a, n) -> n > 1 ? n - 1 : null));
        if (count > maxPerAddress) {
            refused.run();
            refusals.refused(source, since -> "connection from " + address.getHostAddress() + " refused: "
                    + (count - 1) + " connections open from " + source + ", the limit is " + maxPerAddress + "; "
                    + since + " (logged at most once a minute)");
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    /** Connections now open from the source of {@code address}: the address, or its /64 for IPv6. */
    public int openFrom(InetAddress address) {
        return open.getOrDefault(SourceAddress.key(address), 0);
    }
}
