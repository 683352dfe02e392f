package io.vaultgate.sftp.proxy;

import java.io.IOException;

/** A PROXY header that is malformed, truncated, oversized or not allowed from this peer, or a client it named that
 * is refused: the connection closes. */
public final class ProxyProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProxyProtocolException(String message) {
        super(message);
    }

    /** Routine refusal, not a bug: no stack trace. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
