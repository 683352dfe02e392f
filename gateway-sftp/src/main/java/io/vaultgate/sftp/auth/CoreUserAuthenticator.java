package io.vaultgate.sftp.auth;

import io.vaultgate.core.LogText;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.Offence;
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
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * ({@link #secondFactor}) records the login's one success.
 *
 * <p>The principal of the latest successful check is kept on the session; every check clears it first. The
 * session is authenticated by the last attempt, so the principal kept is always the one the session
 * authenticated as.
 */
public final class CoreUserAuthenticator implements PublickeyAuthenticator, PasswordAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(CoreUserAuthenticator.class);

    private static final AttributeKey<Prechecked> PRECHECKED = new AttributeKey<>();

    /** The login name of a password the core refused but MINA was told was right (see {@link #authenticate}). */
    private static final AttributeKey<String> REFUSED_FIRST_STEP = new AttributeKey<>();

    /** Set by a right password whose TOTP step is to come, which the defender scored as a wrong one. */
    private static final AttributeKey<Boolean> PASSWORD_SCORED = new AttributeKey<>();

    private final Authenticator authenticator;
    private final SftpMetrics metrics;
    private final AnswerFloor passwordStep;
    private final AnswerFloor codeStep;
    private final AuthSteps steps;

    /**
     * With both steps of an MFA login decided on {@code steps}' workers and answered no sooner than their floors
     * after they arrived ({@link AnswerFloor#PASSWORD_STEP}, {@link AnswerFloor#CODE_STEP}).
     */
    public CoreUserAuthenticator(Authenticator authenticator, SftpMetrics metrics, AuthSteps steps) {
        this(authenticator, metrics, new AnswerFloor(AnswerFloor.PASSWORD_STEP, steps.timer()),
                new AnswerFloor(AnswerFloor.CODE_STEP, steps.timer()), steps);
    }

    /** With a pool of its own (tests). */
    CoreUserAuthenticator(Authenticator authenticator, SftpMetrics metrics) {
        this(authenticator, metrics, new AuthSteps());
    }

    CoreUserAuthenticator(Authenticator authenticator, SftpMetrics metrics, AnswerFloor passwordStep,
                          AnswerFloor codeStep, AuthSteps steps) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.passwordStep = Objects.requireNonNull(passwordStep, "passwordStep");
        this.codeStep = Objects.requireNonNull(codeStep, "codeStep");
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** The floor of the TOTP step's answers ({@link TotpKeyboardInteractive}). */
    AnswerFloor codeStepFloor() {
        return codeStep;
    }

    /** Where the floored steps are decided ({@link TotpKeyboardInteractive}). */
    AuthSteps steps() {
        return steps;
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
     * The TOTP step of {@code principal}, whose key or password was its first step: the core's {@code byTotp}, the
     * login's one recorded success. The session keeps the first step's principal and credential (a revocation of
     * the key ends it). On a worker of {@link AuthSteps}: {@code passwordScored} was read when the step began
     * ({@link #passwordScored}), and the session is written only while {@code step} is its current one.
     */
    boolean secondFactor(ServerSession session, AuthSteps.Step step, Principal principal, String code,
                         boolean passwordScored) {
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            AuthResult result = authenticator.byTotp(principal, code, Protocol.SFTP, source);
            record("totp", session, result);
            if (result instanceof AuthResult.Success && passwordScored
                    && step.ifCurrent(() -> session.removeAttribute(PASSWORD_SCORED))) {
                authenticator.access().forgive(source, Offence.LOGIN_FAILED); // the password was right after all
            }
            return result instanceof AuthResult.Success;
        }
    }

    /**
     * A TOTP step the core accepted, whose success MINA did not send: the client sent another message, or the session
     * closed, before the floor, so the session never logged in. The success stays on record as it was decided (the
     * login's {@code auth.succeeded}, the code used up so that it cannot be replayed, the name's counts reset: both
     * factors were proved); this adds what became of it: logged, and audited as {@code auth.undelivered} ({@link
     * Authenticator#undelivered}). Logged on the thread that completed the answer (often {@link AuthSteps}'s one
     * timer); the audit write is handed to {@link AuthSteps#record}, so that a slow catalog does not hold back the
     * other logins' answers, and written after the step's {@code auth.succeeded} (recorded before the answer). A
     * failure to record is logged, never thrown (the answer is past).
     */
    void loginNotDelivered(ServerSession session, Principal principal) {
        String source;
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            source = SessionPrincipal.sourceAddress(session);
            LOG.info("sftp auth undelivered: method=totp user={} from={}: the code was right (audited, used up) but"
                    + " MINA did not log the session in with it (another request or the session's end came first, or"
                    + " the account's session limit was reached)",
                    LogText.quoted(principal.name()), source);
        }
        steps.record(() -> {
            try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
                authenticator.undelivered(principal, "totp", Protocol.SFTP, source);
            } catch (RuntimeException e) {
                LOG.warn("sftp: an undelivered TOTP success could not be audited: {}", e.getClass().getName());
            }
        });
    }

    /** Whether the session's first step was a right password the defender scored as a wrong one. */
    static boolean passwordScored(ServerSession session) {
        return session.getAttribute(PASSWORD_SCORED) != null;
    }

    /** The login name of a password the core refused but MINA was told was right; null if none. */
    static String refusedFirstStep(ServerSession session) {
        return session.getAttribute(REFUSED_FIRST_STEP);
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
     * ({@link #continuesAfterPassword}), the password is only the first step of the login, and the answer must not
     * tell whether it was right: the core's {@link Authenticator#firstFactorByPassword} is asked, and MINA told yes
     * (a partial success: the TOTP step follows) for a right password whose principal needs its code (no login yet,
     * the TOTP step records it), a right one of any other principal (a login) and a refused one alike. A refused one
     * leaves no principal on the session, so the TOTP step asks for the code as ever and fails
     * ({@link #secondStepAfterRefusal}). In every other session a password completes a login if MINA is told yes:
     * there the core's {@link Authenticator#byPassword} decides, and a refusal is a plain failure.
     *
     * <p>Nor must the time the answer takes tell: a wrong password's lockout count is a catalog write that a right
     * one's partial success does not make, so the first step's partial success is answered no sooner than
     * {@link AnswerFloor#PASSWORD_STEP} after the request arrived, right password or wrong, as the TOTP step's answer
     * is after its own floor. Nor must the time the step keeps MINA's I/O thread: the core is asked on a worker of
     * {@link AuthSteps}, and a request the client sends right behind this one is handled at once, whatever the
     * password. A check that throws (a busy catalog) or finds no worker free is answered as a refused password
     * would be, through the floor: partial success; the thrown one with the step marked refused.
     */
    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        long arrived = passwordStep.arrived();
        AuthSteps.Step step = forget(session);
        char[] secret = password.toCharArray();
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            if (!continuesAfterPassword(session)) {
                return accept(session, "password", authenticator.byPassword(username, secret, Protocol.SFTP, source));
            }
            char[] copy = secret.clone(); // the worker's, which wipes it
            throw steps.decide(session, passwordStep, arrived, "password step",
                    () -> firstStep(session, step, username, copy, source),
                    e -> {
                        step.ifCurrent(() -> session.setAttribute(REFUSED_FIRST_STEP, username));
                        return true;
                    },
                    () -> {
                        Arrays.fill(copy, '\0');
                        return true; // no mark: the code step just fails, and nobody is scored for a busy server
                    });
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** The password step of an MFA login, on a worker: always a partial success ({@link #authenticate}). */
    private boolean firstStep(ServerSession session, AuthSteps.Step step, String username, char[] secret,
                              String source) {
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            AuthResult result = authenticator.firstFactorByPassword(username, secret, Protocol.SFTP, source);
            if (!(result instanceof AuthResult.Partial)) {
                record("password", session, result);
            }
            step.ifCurrent(() -> {
                if (result instanceof AuthResult.Partial partial) {
                    SessionPrincipal.set(session, partial.principal(), partial.credential()); // the TOTP step records
                    session.setAttribute(PASSWORD_SCORED, Boolean.TRUE);
                } else if (result instanceof AuthResult.Success success) {
                    SessionPrincipal.set(session, success.principal(), success.credential());
                } else {
                    session.setAttribute(REFUSED_FIRST_STEP, username);
                }
            });
            return true;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * Whether no password MINA takes can complete this session's login: its methods ({@code AUTH_METHODS}, as
     * {@link PrincipalAuthMethods} set them for the service that asks) name {@code password}, and each time with
     * {@code keyboard-interactive} after it, which is this gateway's TOTP step. MINA ends a login when a step
     * empties one of its chains, and a chain only loses its first method, so a password ends none unless it is the
     * last of one. Anything else (no methods set, {@code password} alone or last, as in {@code publickey password}
     * or {@code publickey,password}, another second step, another keyboard-interactive authenticator) is no: there
     * a password MINA is told is right logs in.
     */
    static boolean continuesAfterPassword(ServerSession session) {
        String methods = CoreModuleProperties.AUTH_METHODS.getOrNull(session);
        if (methods == null || !(session.getKeyboardInteractiveAuthenticator() instanceof TotpKeyboardInteractive)) {
            return false;
        }
        boolean named = false;
        for (String chain : methods.split("\\s")) {
            List<String> steps = Arrays.asList(chain.split(",", -1));
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).strip().equalsIgnoreCase("password")) {
                    if (i + 1 == steps.size() || !steps.get(i + 1).equals("keyboard-interactive")) {
                        return false;
                    }
                    named = true;
                }
            }
        }
        return named;
    }

    /**
     * The TOTP step of a session without a principal. After a password the core refused, which MINA was told was
     * right ({@link #authenticate}), it fails as a wrong code after a right password does: scored against the
     * source ({@code LOGIN_FAILED}, as {@code MFA_FAILED} is) and logged; not audited nor counted towards a lockout
     * again, the password having been (and no TOTP lockout: wrong passwords must not lock anyone's TOTP step).
     * Otherwise (no first step at all) it just fails. {@code refused} is {@link #refusedFirstStep}, read when the
     * step began.
     */
    void secondStepAfterRefusal(ServerSession session, String username, String refused) {
        if (refused == null || !refused.equals(username)) {
            return;
        }
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            authenticator.access().offence(source, Offence.LOGIN_FAILED);
            LOG.info("sftp auth refused: method=totp user={} reason=password refused before from={}",
                    LogText.quoted(username), source);
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
     * deciding an earlier step can no longer write it ({@link AuthSteps#begin}).
     */
    private static AuthSteps.Step forget(ServerSession session) {
        return AuthSteps.begin(session, () -> {
            SessionPrincipal.clear(session);
            session.removeAttribute(REFUSED_FIRST_STEP);
            session.removeAttribute(PASSWORD_SCORED);
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
        record(method, session, result);
        if (result instanceof AuthResult.Success success) {
            SessionPrincipal.set(session, success.principal(), success.credential());
            return true;
        }
        return false;
    }

    /** Counts an attempt the core answered, and logs a refusal. */
    private void record(String method, ServerSession session, AuthResult result) {
        metrics.login(method, result instanceof AuthResult.Success);
        if (result instanceof AuthResult.Failure failure) {
            // the login name is the client's text, quoted (controls escaped) so it cannot pass for the line's fields;
            // the reason is the one to show: the true one (a right password or a wrong one?) is the audit record's
            LOG.info("sftp auth refused: method={} user={} reason={} from={}", method,
                    LogText.quoted(failure.username()), failure.shown(), SessionPrincipal.sourceAddress(session));
        }
    }

    /** The core's answer for one login name and key, kept for MINA's callback that follows. */
    private record Prechecked(String username, String fingerprint, AuthResult result) {
        boolean isFor(String user, String key) {
            return username.equals(user) && fingerprint.equals(key);
        }
    }
}
