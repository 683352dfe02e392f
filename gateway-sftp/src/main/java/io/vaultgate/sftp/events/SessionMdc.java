package io.vaultgate.sftp.events;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.sftp.auth.SessionPrincipal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.session.ServerSessionHolder;
import org.slf4j.MDC;

/**
 * The SSH session's identity in the logging MDC: {@code session} ({@code sftp-} and 8 random hex digits, given
 * when the connection is accepted), and once authenticated {@code principal} (the login name), {@code tenant} (a
 * client account's; an operator's transfers get theirs from the core) and {@code protocol} ({@code sftp}). The
 * core's transfer MDC adds {@code transfer} and its own tenant and principal under the same keys while it handles
 * an upload or a download.
 *
 * <p>MINA runs one session's SFTP requests on that session's own thread ({@link #around} wraps its request loop)
 * and its SSH events on shared I/O threads (the authentication and session callbacks enter a {@link Scope} for
 * the call). Either way the previous values are restored afterwards, so nothing leaks to the next session on a
 * shared thread. Ids and names only, never a secret.
 */
public final class SessionMdc implements SessionListener {

    public static final String SESSION = "session";
    public static final String TENANT = "tenant";
    public static final String PRINCIPAL = "principal";
    public static final String PROTOCOL = "protocol";
    private static final String[] KEYS = {SESSION, TENANT, PRINCIPAL, PROTOCOL};
    private static final AttributeKey<String> ID = new AttributeKey<>();

    private final SecureRandom random = new SecureRandom();

    @Override
    public void sessionCreated(Session session) {
        byte[] id = new byte[4];
        random.nextBytes(id);
        session.setAttribute(ID, "sftp-" + HexFormat.of().formatHex(id));
    }

    /** The session's id as it appears in the logs; empty before {@link #sessionCreated} ran. */
    public static Optional<String> id(SessionContext session) {
        return Optional.ofNullable(session.getAttribute(ID));
    }

    /** Puts the session's identity in this thread's MDC until the scope is closed. */
    public static Scope enter(SessionContext session) {
        Optional<Principal> principal = SessionPrincipal.of(session);
        return new Scope(
                id(session).orElse(null),
                principal.filter(ClientPrincipal.class::isInstance).map(p -> ((ClientPrincipal) p).tenant().value())
                        .orElse(null),
                principal.map(Principal::name).orElse(null),
                principal.isPresent() ? "sftp" : null);
    }

    /**
     * Runs a session's task (MINA's SFTP request loop, which carries its session) in the session's MDC; any
     * other task is returned as it is.
     */
    public static Runnable around(Runnable task) {
        if (!(task instanceof ServerSessionHolder holder)) {
            return task;
        }
        return () -> {
            try (Scope scope = enter(holder.getServerSession())) {
                task.run();
            }
        };
    }

    /** Values put in the MDC, and the ones they replaced, restored on close. */
    public static final class Scope implements AutoCloseable {

        private final String[] previous = new String[KEYS.length];

        private Scope(String... values) {
            for (int i = 0; i < KEYS.length; i++) {
                previous[i] = MDC.get(KEYS[i]);
                if (values[i] != null) {
                    MDC.put(KEYS[i], values[i]);
                }
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < KEYS.length; i++) {
                if (previous[i] == null) {
                    MDC.remove(KEYS[i]);
                } else {
                    MDC.put(KEYS[i], previous[i]);
                }
            }
        }
    }
}
