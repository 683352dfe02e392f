package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.Principal;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;

/** Where an SSH session keeps the core {@link Principal} it authenticated as. */
public final class SessionPrincipal {

    private static final AttributeKey<Principal> KEY = new AttributeKey<>();
    private static final AttributeKey<String> CREDENTIAL = new AttributeKey<>();
    private static final AttributeKey<InetSocketAddress> PROXIED_SOURCE = new AttributeKey<>();

    private SessionPrincipal() {
    }

    /** The authenticated principal; empty before authentication succeeded. */
    public static Optional<Principal> of(SessionContext session) {
        return Optional.ofNullable(session.getAttribute(KEY));
    }

    /** The principal, for code that runs only after authentication (the file system, SFTP events). */
    public static Principal require(SessionContext session) {
        return of(session).orElseThrow(() -> new IllegalStateException("session is not authenticated"));
    }

    static void set(Session session, Principal principal, String credential) {
        session.setAttribute(KEY, principal);
        session.setAttribute(CREDENTIAL, credential);
    }

    static void clear(Session session) {
        session.removeAttribute(KEY);
        session.removeAttribute(CREDENTIAL);
    }

    /** Records the client address a trusted balancer's PROXY header named (only {@code ProxyProtocolAcceptor}). */
    public static void recordProxiedSource(Session session, InetSocketAddress source) {
        session.setAttribute(PROXIED_SOURCE, source);
    }

    /** The {@link io.vaultgate.core.auth.Credentials} id the session authenticated with. */
    public static String credential(SessionContext session) {
        String credential = session.getAttribute(CREDENTIAL);
        return credential == null ? io.vaultgate.core.auth.Credentials.UNTRACKED : credential;
    }

    /**
     * The client's IP address as text, for the core's IP policy and audit: the one a trusted balancer's PROXY
     * header named, otherwise the TCP peer's.
     */
    public static String sourceAddress(SessionContext session) {
        SocketAddress proxied = session.getAttribute(PROXIED_SOURCE);
        SocketAddress address = proxied != null ? proxied : session.getRemoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
