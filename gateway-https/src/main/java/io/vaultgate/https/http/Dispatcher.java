package io.vaultgate.https.http;

import io.netty.handler.codec.http.HttpRequest;

/** Decides what to do with a request whose headers have arrived: respond now, or consume the body. */
@FunctionalInterface
public interface Dispatcher {

    /**
     * @param peer the client's IP address and its verified TLS client certificate, if any
     * @return the exchange that consumes the body; {@link Exchange#DISCARD} when the response was sent
     */
    Exchange dispatch(Reply reply, HttpRequest request, Peer peer);
}
