package io.vaultgate.https.http;

import io.netty.handler.codec.http.HttpRequest;

/** Decides what to do with a request whose headers have arrived: respond now, or consume the body. */
@FunctionalInterface
public interface Dispatcher {

    /**
     * @param source the client's IP address, for audit and IP policy
     * @return the exchange that consumes the body; {@link Exchange#DISCARD} when the response was sent
     */
    Exchange dispatch(Reply reply, HttpRequest request, String source);
}
