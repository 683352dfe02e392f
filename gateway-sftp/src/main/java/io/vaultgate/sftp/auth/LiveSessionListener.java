package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.sftp.events.SessionMdc;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers each SSH session in the core's {@link LiveSessions} once it is authenticated, with a disconnect
 * that closes it at once (so a lockdown or revocation ends it mid-transfer), and removes it when it closes.
 * A protocol error before authentication scores against the source address.
 */
public final class LiveSessionListener implements SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSessionListener.class);
    private static final AttributeKey<LiveSessions.Registration> REGISTRATION = new AttributeKey<>();

    private final AccessControl access;

    public LiveSessionListener(AccessControl access) {
        this.access = access;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        SessionPrincipal.of(session).ifPresent(principal -> {
            try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
                LiveSessions.Registration registration = access.sessions().register(principal,
                        SessionPrincipal.credential(session), Protocol.SFTP, SessionPrincipal.sourceAddress(session),
                        reason -> session.close(true));
                session.setAttribute(REGISTRATION, registration);
                LOG.info("sftp session authenticated: user={} from={}", principal.name(),
                        SessionPrincipal.sourceAddress(session));
            }
        });
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        if (!session.isAuthenticated() && t instanceof SshException) {
            try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
                LOG.debug("sftp protocol error from {}: {}", SessionPrincipal.sourceAddress(session), t.toString());
                access.offence(SessionPrincipal.sourceAddress(session), Offence.PROTOCOL_ERROR);
            }
        }
    }

    @Override
    public void sessionClosed(Session session) {
        LiveSessions.Registration registration = session.removeAttribute(REGISTRATION);
        if (registration != null) {
            registration.close();
        }
    }
}
