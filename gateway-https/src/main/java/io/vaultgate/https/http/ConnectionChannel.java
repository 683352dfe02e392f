package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The TCP connection a channel belongs to. An HTTP/1.1 request runs on the connection's own channel; an HTTP/2
 * request on a stream channel whose parent is the connection. What belongs to the connection (its TLS session and
 * client certificate, the client address a PROXY header named, the login registered in the live sessions, which a
 * revocation ends by closing the whole connection) is read from and bound to the channel this returns.
 */
public final class ConnectionChannel {

    private ConnectionChannel() {
    }

    public static Channel of(Channel channel) {
        return channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
    }

    /** Whether {@code channel} carries one request of a multiplexed (HTTP/2) connection. */
    public static boolean isStream(Channel channel) {
        return channel instanceof Http2StreamChannel;
    }
}
