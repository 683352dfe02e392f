package io.vaultgate.https.receiver;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Names the gateway on the other end of a connection for log lines: its address and certificate subject. */
final class ReceiverPeer {

    private ReceiverPeer() {
    }

    static String describe(ChannelHandlerContext ctx) {
        String address = String.valueOf(ctx.channel().remoteAddress());
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return address;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                return address + " (" + leaf.getSubjectX500Principal().getName() + ")";
            }
        } catch (SSLPeerUnverifiedException e) {
            return address + " (no client certificate)";
        }
        return address;
    }
}
