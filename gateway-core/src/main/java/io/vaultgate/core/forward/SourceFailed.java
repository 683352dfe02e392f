package io.vaultgate.core.forward;

import java.io.IOException;

/** Reading a request body from its source failed (not the connection): the request is not sent again. */
final class SourceFailed extends IOException {
    SourceFailed(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
