package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.sftp.proxy.AdmissionCheck;
import io.vaultgate.sftp.proxy.ProxyTrust;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Refuses a connection from a banned or denied address the moment its session object is created, before
 * key exchange: a banned address costs one accept, one cache lookup and one close. MINA closes the connection
 * when a {@code sessionCreated} listener throws (as {@code AddressLimiter} relies on too). Register it after
 * the listeners that count connections, so their {@code sessionClosed} balances their {@code sessionCreated}.
 * (MINA's {@code IoServiceEventListener.connectionAccepted} would refuse even earlier, but MINA 2.20 leaves the
 * socket of a connection it refuses open, so the client hangs and a flood would exhaust descriptors.)
 * A connection from a trusted balancer is checked later, on the address its PROXY header names.
 */
public final class DefenderConnectionFilter implements SessionListener, AdmissionCheck {

    private final AccessControl access;
    private final ProxyTrust proxies;

    public DefenderConnectionFilter(AccessControl access) {
        this(access, ProxyTrust.none());
    }

    public DefenderConnectionFilter(AccessControl access, ProxyTrust proxies) {
        this.access = access;
        this.proxies = proxies;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!proxies.trusts(session)) {
            admit(session);
        }
    }

    @Override
    public void admit(Session session) {
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
