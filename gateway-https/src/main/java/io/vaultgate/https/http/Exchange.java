package io.vaultgate.https.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The body side of one request after its headers were accepted. Methods run one at a time on the
 * connection's blocking executor, so implementations may block on storage; the next bytes are read from
 * the socket only after they return, which is the upload path's backpressure. Throwing
 * {@link io.vaultgate.core.GatewayException} or {@link HttpProblem} fails the request:
 * {@link #cancel()} is called and the error response is sent.
 */
public interface Exchange {

    /**
     * An exchange that ignores any body: its response was already sent when the headers arrived. Any other
     * exchange wants the body, so a client waiting on {@code Expect: 100-continue} is told to send it.
     */
    Exchange DISCARD = new Exchange() {
        @Override
        public void content(ByteBuf chunk) {
        }

        @Override
        public void end(HttpHeaders trailers) {
        }

        @Override
        public void cancel() {
        }
    };

    /** The next bytes of the body; the buffer is released by the caller after this returns. */
    void content(ByteBuf chunk);

    /** The body is complete; send the response. */
    void end(HttpHeaders trailers);

    /** The request failed or the connection was lost before {@link #end}; release everything held. */
    void cancel();
}
