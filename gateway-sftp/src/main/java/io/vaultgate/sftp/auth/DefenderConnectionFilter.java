package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessControl;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Refuses a connection from a banned or denied address the moment its session object is created, before
 * key exchange: a banned address costs one accept, one cache lookup and one close. MINA closes the connection
 * when a {@code sessionCreated} listener throws (as {@code AddressLimiter} relies on too). Register it after
 * the listeners that count connections, so their {@code sessionClosed} balances their {@code sessionCreated}.
 * (MINA's {@code IoServiceEventListener.connectionAccepted} would refuse even earlier, but MINA 2.20 leaves the
 * socket of a connection it refuses open, so the client hangs and a flood would exhaust descriptors.)
 */
public final class DefenderConnectionFilter implements SessionListener {

    private final AccessControl access;

    public DefenderConnectionFilter(AccessControl access) {
        this.access = access;
    }

    @Override
    public void sessionCreated(Session session) {
        String address = SessionPrincipal.sourceAddress(session);
        if (!access.admits(address, "connect")) {
            throw new RefusedConnection(address);
        }
    }

    /** Why MINA closed the connection; carries no stack trace (it is routine, not an error). */
    static final class RefusedConnection extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        RefusedConnection(String address) {
            super("connection from " + address + " refused by the defender");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
