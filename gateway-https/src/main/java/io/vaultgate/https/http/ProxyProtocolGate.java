package io.vaultgate.https.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in the pipeline. From a trusted balancer, the connection must start with a PROXY header (v1 or v2): the
 * handlers after this one only see the connection become active once the header has named the client (recorded
 * for {@link ClientAddress}), so the per-address limit and the defender judge the real client before any TLS work.
 * From any other peer a PROXY header is refused (an untrusted client never chooses its own address); other bytes
 * pass untouched. A missing, malformed or late header closes the connection with one log line.
 */
public final class ProxyProtocolGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolGate.class);

    private final ProxyPeers proxies;
    private final Duration headerTimeout;
    private boolean trusted;
    private boolean admitted;
    private boolean refused;
    private ScheduledFuture<?> deadline;

    /** @param headerTimeout how long a balancer's connection may take to send its header */
    public ProxyProtocolGate(ProxyPeers proxies, Duration headerTimeout) {
        this.proxies = proxies;
        this.headerTimeout = headerTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        trusted = proxies.trusts(ctx.channel().remoteAddress());
        if (!trusted) {
            ctx.fireChannelActive();
            return;
        }
        ctx.pipeline().addBefore(ctx.name(), "proxyDecoder", new HAProxyMessageDecoder());
        deadline = ctx.executor().schedule(() -> refuse(ctx, "no PROXY header within " + headerTimeout.toSeconds()
                + "s"), headerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ctx.read(); // the server reads on demand (no auto-read); the decoder asks for more until the header is whole
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                accept(ctx, header);
            } finally {
                header.release();
            }
            return;
        }
        if (!trusted && msg instanceof ByteBuf bytes && looksLikeHeader(bytes)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "it sent a PROXY header but is not in https.proxy-protocol.trusted");
            return;
        }
        if (!trusted) {
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    private void accept(ChannelHandlerContext ctx, HAProxyMessage header) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
            try {
                if (bytes == null) {
                    throw new UnknownHostException(header.sourceAddress());
                }
                ctx.channel().attr(ClientAddress.PROXIED).set(
                        new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort()));
            } catch (UnknownHostException e) {
                refuse(ctx, "PROXY header names an invalid source address");
                return;
            }
        }
        admitted = true;
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** A TLS record starts with 0x16 (or 0x80 for an SSLv2 hello), never with "P" or CR. */
    private static boolean looksLikeHeader(ByteBuf bytes) {
        if (HAProxyMessageDecoder.detectProtocol(bytes).state() == ProtocolDetectionState.DETECTED) {
            return true;
        }
        if (!bytes.isReadable()) {
            return false;
        }
        byte first = bytes.getByte(bytes.readerIndex());
        return first == 'P' || first == '\r';
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (trusted && !admitted) {
            refuse(ctx, "malformed PROXY header: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (!trusted || admitted) {
            ctx.fireChannelInactive(); // the handlers after this one never saw a balancer's unadmitted connection
        }
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        if (!refused) {
            refused = true;
            LOG.warn("https connection from {} closed: {}", ctx.channel().remoteAddress(), why);
        }
        ctx.close();
    }
}
