package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose response went out before the request body was read (a refusal at the headers: 401,
 * 403, 413, 412 ...) without resetting it. Closing a socket with unread bytes makes the kernel answer with a
 * TCP reset, which can destroy the response before the client has read it (the client then reports "connection
 * reset" instead of the status). So, as nginx's lingering close does: end our side (TLS close_notify, then
 * FIN), keep reading and dropping what the client still sends, and close at the latest {@value #LINGER_MILLIS} ms
 * later. Nothing read meanwhile is processed: the request is already answered. Shared by the gateway's HTTPS
 * listener ({@code Reply}) and the site receiver ({@code io.vaultgate.https.receiver}).
 */
public final class LingeringClose {

    /** How long what the peer still sends is read and dropped before the connection is closed. */
    public static final long LINGER_MILLIS = 2000;

    private LingeringClose() {
    }

    /** Once {@code written} (the response) is out. */
    public static void after(ChannelFuture written) {
        Channel channel = written.channel();
        if (!written.isSuccess() || !channel.isActive()) {
            channel.close();
            return;
        }
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) { // not a network connection of ours (every listener speaks TLS): close as before
            channel.close();
            return;
        }
        tls.closeOutbound().addListener(done -> {
            if (channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
        });
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }
}
