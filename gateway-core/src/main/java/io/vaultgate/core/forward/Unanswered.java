package io.vaultgate.core.forward;

import java.io.IOException;

/**
 * A connection failed before any byte of an answer arrived: on a kept-alive connection, the site had closed
 * it meanwhile, and the request may be sent again on a new one.
 */
final class Unanswered extends IOException {
    Unanswered(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
