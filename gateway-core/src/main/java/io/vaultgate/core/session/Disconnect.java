package io.vaultgate.core.session;

/** How a front-end ends one of its live sessions: close the connection now, whatever is in flight. */
@FunctionalInterface
public interface Disconnect {

    /** @param reason why, for the front-end's log (never sent as a secret) */
    void disconnect(String reason);
}
