package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessControl;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.BufferException;
import org.apache.sshd.common.util.closeable.AbstractInnerCloseable;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.WelcomeBannerPhase;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthService;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * MINA's {@code ssh-userauth} service with the methods a session must pass chosen for the principal that logs
 * in: {@code publickey} then a keyboard-interactive TOTP step where its role requires MFA, the key alone
 * otherwise, so clients that offer only public keys (OpenSSH in batch mode, most libraries) keep working.
 *
 * <p>MINA fixes a session's required methods when the service starts, before the login name or key is known.
 * This service therefore hands the requests to a {@link ServerUserAuthService} created at the first signed public
 * key request: once the signature verifies ({@link SignedPublicKey#verifiedKey}) it asks the core about that key
 * ({@link CoreUserAuthenticator#precheck}, a query: the check that follows for the same key reuses a refusal, so
 * the core counts no extra attempt, and records the login only then) and creates MINA's service with the methods
 * for that principal. Until then (a
 * {@code none} request, a query without signature, an unknown key) a service with the key alone answers; it is
 * replaced at most once, when the principal turns out to need MFA (fail closed: a principal that needs MFA never
 * gets a service that accepts its key alone, and a core that fails on the precheck ends the connection). A password
 * request gets the MFA methods where client accounts, the only principals with passwords, require MFA
 * ({@link AccessControl#mfaRequiredForPasswords}); elsewhere it decides nothing: the service with the key alone (or a
 * password alone) answers it, so a client that mistypes its password is refused plainly instead of being asked for a
 * code it has none of, and a signed key that follows in the session still decides, so an operator's key tried after
 * a password needs its code all the same.
 */
public final class PrincipalAuthMethods implements ServiceFactory {

    private final CoreUserAuthenticator keys;
    private final AccessControl access;
    private final String keyOnly;
    private final String withTotp;

    public PrincipalAuthMethods(CoreUserAuthenticator keys, AccessControl access, boolean passwords) {
        this.keys = keys;
        this.access = access;
        this.keyOnly = "publickey" + (passwords ? " password" : "");
        this.withTotp = "publickey,keyboard-interactive" + (passwords ? " password,keyboard-interactive" : "");
    }

    @Override
    public String getName() {
        return ServerUserAuthServiceFactory.INSTANCE.getName();
    }

    @Override
    public Service create(Session session) {
        return new PerPrincipal((ServerSession) session);
    }

    private final class PerPrincipal extends AbstractInnerCloseable implements Service {

        private final ServerSession session;
        private final Map<String, Object> properties = new ConcurrentHashMap<>();
        private ServerUserAuthService delegate;
        private boolean decided;

        PerPrincipal(ServerSession session) {
            this.session = session;
        }

        @Override
        public synchronized void process(int cmd, Buffer buffer) throws Exception {
            if (!decided && cmd == SshConstants.SSH_MSG_USERAUTH_REQUEST) {
                Optional<Boolean> totp = needsTotp(buffer);
                if (totp.isPresent()) {
                    decided = true;
                    if (delegate == null || totp.get()) {
                        use(totp.get() ? withTotp : keyOnly);
                    }
                }
            }
            if (delegate == null) {
                use(keyOnly);
            }
            try {
                delegate.process(cmd, buffer);
            } finally {
                keys.forgetPrecheck(session);
            }
        }

        /**
         * Whether the principal of this request needs the TOTP step; empty while that is not known: a request
         * that cannot be read, another method, a query (no signature: it proves nothing and is answered without
         * the core), a bad signature, a key the core refuses. An error of the core is thrown, and MINA closes the
         * connection: a request whose principal is unknown must not go on to a service that takes the key alone.
         */
        private Optional<Boolean> needsTotp(Buffer buffer) {
            int start = buffer.rpos();
            try {
                String username;
                String service;
                String method;
                try {
                    username = buffer.getString();
                    service = buffer.getString();
                    method = buffer.getString();
                } catch (BufferException malformed) {
                    return Optional.empty();
                }
                if (method.equals("password")) { // decides only for the MFA methods: a key may follow
                    return access.mfaRequiredForPasswords() ? Optional.of(true) : Optional.empty();
                }
                if (!method.equals("publickey")) {
                    return Optional.empty();
                }
                return SignedPublicKey.verifiedKey(session, username, service, buffer)
                        .flatMap(key -> keys.precheck(username, key, session)).map(access::mfaRequired);
            } finally {
                buffer.rpos(start);
            }
        }

        /** Creates MINA's service requiring {@code methods}; a replaced one has shown the banner already. */
        private void use(String methods) throws Exception {
            CoreModuleProperties.AUTH_METHODS.set(session, methods);
            if (delegate != null) {
                CoreModuleProperties.WELCOME_BANNER_PHASE.set(session, WelcomeBannerPhase.NEVER);
                delegate.close(true);
            }
            delegate = new ServerUserAuthService(session);
        }

        @Override
        public void start() {
        }

        @Override
        public Session getSession() {
            return session;
        }

        @Override
        public Map<String, Object> getProperties() {
            return properties;
        }

        @Override
        protected synchronized Closeable getInnerCloseable() {
            return delegate == null ? builder().build() : builder().close(delegate).build();
        }
    }
}
