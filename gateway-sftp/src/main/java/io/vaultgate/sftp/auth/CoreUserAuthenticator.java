package io.vaultgate.sftp.auth;

import io.vaultgate.core.LogText;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.sftp.events.SessionMdc;
import io.vaultgate.sftp.events.SftpMetrics;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;

/**
 * MINA's public key and password callbacks, answered by the core {@link Authenticator} alone. The front-end
 * decides nothing: it passes the login name, the key's OpenSSH SHA-256 fingerprint or the password, and the
 * source address.
 *
 * <p>A key is put to the core as a login only once its signature has been verified ({@link SignedPublicKey} calls
 * {@link #signed}): the core audits a success and resets the login name's lockout count, which the public half of
 * a key alone (a signature-less "would this key do?" query) must never do. So a key login is one core call and one
 * audit event. MINA's own callback only lets {@link SignedPublicKey} go on to the signature, and answers its queries
 * with the core's {@code queryPublicKey} (no success recorded); outside it (any other {@code publickey}
 * implementation) it refuses. A signature that does not verify is a failed login ({@link #badSignature}).
 *
 * <p>Where the principal's role requires MFA the key is only the first step of the login: it is checked as a query
 * (refused keys recorded as ever, a right one neither audited nor resetting a lockout count) and the TOTP step
 * ({@link MfaStepAnswers#secondFactor}) records the login's one success.
 *
 * <p>The principal of the latest successful check is kept on the session; every check clears it first. The
 * session is authenticated by the last attempt, so the principal kept is always the one the session
 * authenticated as.
 */
public final class CoreUserAuthenticator implements PublickeyAuthenticator, PasswordAuthenticator {

    private static final Logger LOG = AuthAttempts.LOG;

    private static final AttributeKey<Prechecked> PRECHECKED = new AttributeKey<>();

    private final Authenticator authenticator;
    private final AuthAttempts attempts;
    private final MfaStepAnswers mfa;

    /**
     * With both steps of an MFA login decided on {@code steps}' workers and answered no sooner than their floors
     * after they arrived ({@link AnswerFloor#PASSWORD_STEP}, {@link AnswerFloor#CODE_STEP}; {@link MfaStepAnswers}).
     */
    public CoreUserAuthenticator(Authenticator authenticator, SftpMetrics metrics, AuthSteps steps) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.attempts = new AuthAttempts(metrics);
        this.mfa = new MfaStepAnswers(authenticator, attempts,
                new AnswerFloor(AnswerFloor.PASSWORD_STEP, session -> steps.timer(), steps.clock()),
                new AnswerFloor(AnswerFloor.CODE_STEP, session -> steps.timer(), steps.clock()), steps);
    }

    /** With a pool of its own (tests). */
    CoreUserAuthenticator(Authenticator authenticator, SftpMetrics metrics) {
        this(authenticator, metrics, new AuthSteps());
    }

    /** The answers of an MFA login's floored steps ({@link TotpKeyboardInteractive}). */
    MfaStepAnswers mfaSteps() {
        return mfa;
    }

    /**
     * MINA's callback, before it verifies a signature or to answer a signature-less query. For a signed request: yes
     * while {@link SignedPublicKey} verifies, which then asks the core through {@link #signed}. For a query: the
     * core's {@link Authenticator#queryPublicKey}, which audits only a key that would not do.
     */
    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        forget(session);
        if (SignedPublicKey.isVerifying(session)) {
            return true;
        }
        if (!SignedPublicKey.isQuerying(session)) {
            return false; // MINA's own publickey method, which would log in without the core: never
        }
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            AuthResult result = query(username, KeyUtils.getFingerPrint(key), session);
            return result instanceof AuthResult.Success || accept(session, "publickey", result); // a refusal is logged
        }
    }

    /**
     * The core's answer for a key whose signature MINA has verified (the precheck's, if it asked already): a login,
     * or the first step of one where the principal's role requires MFA.
     */
    boolean signed(String username, PublicKey key, ServerSession session) {
        forget(session);
        String fingerprint = KeyUtils.getFingerPrint(key);
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            AccessControl access = authenticator.access();
            Prechecked prechecked = session.removeAttribute(PRECHECKED);
            // with MFA on, a query first: a right key is a login only for a principal that needs no TOTP step
            AuthResult first = prechecked != null && prechecked.isFor(username, fingerprint) ? prechecked.result()
                    : access.mfaConfigured() ? query(username, fingerprint, session) : null;
            if (first instanceof AuthResult.Success success && access.mfaRequired(success.principal())) {
                SessionPrincipal.set(session, success.principal(), success.credential()); // the TOTP step records
                return true;
            }
            return accept(session, "publickey", first instanceof AuthResult.Failure ? first
                    : authenticator.byPublicKey(username, fingerprint, Protocol.SFTP,
                            SessionPrincipal.sourceAddress(session)));
        }
    }

    /**
     * A signed request whose signature did not verify: whoever sent it may hold the public half of the login
     * name's key, not the private one, so it is a failed login like a wrong key: the core's
     * {@link Authenticator#refusedSignature} refuses it as it refuses a wrong key (audited, scored by the defender,
     * counted towards the name's key lockout where key logins lock).
     */
    void badSignature(String username, PublicKey key, ServerSession session) {
        forget(session);
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            LOG.info("sftp publickey signature did not verify: user={} key={} from={}", LogText.quoted(username),
                    KeyUtils.getFingerPrint(key), SessionPrincipal.sourceAddress(session));
            accept(session, "publickey", authenticator.refusedSignature(username, Protocol.SFTP,
                    SessionPrincipal.sourceAddress(session)));
        }
    }

    /**
     * Asks the core about a key whose signature verified, before MINA's service does, to learn whose it is
     * ({@link PrincipalAuthMethods}); {@link #signed} for the same login name and key then takes this answer
     * instead of asking again. Asked as a query, since the key may be only the first step of the login: a refusal
     * is recorded, a success is not (yet). Errors of the core reach the caller.
     *
     * @return the principal the key belongs to; empty if the core refused it
     */
    Optional<Principal> precheck(String username, PublicKey key, ServerSession session) {
        String fingerprint = KeyUtils.getFingerPrint(key);
        AuthResult result;
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            result = query(username, fingerprint, session);
        }
        session.setAttribute(PRECHECKED, new Prechecked(username, fingerprint, result));
        return result instanceof AuthResult.Success success ? Optional.of(success.principal()) : Optional.empty();
    }

    /**
     * MINA's password callback. Where the session's methods go on from {@code password} to the TOTP step
     * ({@link MfaStepAnswers#continuesAfterPassword}), the password is only the first step of the login, and neither
     * the answer nor its time nor the time it keeps MINA's I/O thread must tell whether it was right: the step is
     * thrown to be answered by {@link MfaStepAnswers#passwordStep} (a partial success whatever the password, decided
     * on a worker of {@link AuthSteps}, no sooner than {@link AnswerFloor#PASSWORD_STEP} after the request arrived).
     * In every other session a password completes a login if MINA is told yes: there the core's
     * {@link Authenticator#byPassword} decides, and a refusal is a plain failure.
     */
    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        long arrived = mfa.passwordArrived();
        SessionStep step = forget(session);
        char[] secret = password.toCharArray();
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            if (!MfaStepAnswers.continuesAfterPassword(session)) {
                return accept(session, "password", authenticator.byPassword(username, secret, Protocol.SFTP, source));
            }
            throw mfa.passwordStep(session, step, username, secret, source, arrived);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * MINA's user authentication methods ({@code ServerAuthenticationManager.resolveUserAuthFactories}) with its
     * {@code publickey} replaced by {@link SignedPublicKey}, which asks this authenticator once the signature
     * verified. The server must use these: MINA's own {@code publickey} would meet a callback that refuses.
     */
    public List<UserAuthFactory> methods(List<UserAuthFactory> mina) {
        return SignedPublicKey.replacing(mina, this::signed, this::badSignature);
    }

    /**
     * Before each check: the session keeps what the latest one found, and nothing of an earlier one; a worker still
     * deciding an earlier step can no longer write it ({@link SessionStep#begin}).
     */
    private static SessionStep forget(ServerSession session) {
        return SessionStep.begin(session, () -> {
            SessionPrincipal.clear(session);
            MfaStepAnswers.forget(session);
        });
    }

    /** Drops an answer MINA did not ask for within the request it was made for (it is never reused later). */
    void forgetPrecheck(ServerSession session) {
        session.removeAttribute(PRECHECKED);
    }

    private AuthResult query(String username, String fingerprint, ServerSession session) {
        return authenticator.queryPublicKey(username, fingerprint, Protocol.SFTP,
                SessionPrincipal.sourceAddress(session));
    }

    private boolean accept(ServerSession session, String method, AuthResult result) {
        attempts.record(method, session, result);
        if (result instanceof AuthResult.Success success) {
            SessionPrincipal.set(session, success.principal(), success.credential());
            return true;
        }
        return false;
    }

    /** The core's answer for one login name and key, kept for MINA's callback that follows. */
    private record Prechecked(String username, String fingerprint, AuthResult result) {
        boolean isFor(String user, String key) {
            return username.equals(user) && fingerprint.equals(key);
        }
    }
}
