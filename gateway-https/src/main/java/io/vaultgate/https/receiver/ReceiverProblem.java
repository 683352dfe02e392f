package io.vaultgate.https.receiver;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A refused request, with the status to answer; the message is safe to send to the gateway. */
final class ReceiverProblem extends Exception {

    private final HttpResponseStatus status;

    ReceiverProblem(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }
}
