package io.vaultgate.sftp.auth;

import io.vaultgate.core.LogText;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.sftp.events.SessionMdc;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;

/**
 * Answers the floored steps of an MFA login: the password step of {@code password,keyboard-interactive} and the
 * TOTP step ({@link TotpKeyboardInteractive}) after a key or a password. Each is decided by the core on a worker of
 * {@link AuthSteps} and answered no sooner than its {@link AnswerFloor} after it arrived, so that neither the answer
 * nor its time tells whether the password was right; a worker writes the session only while its step is current
 * ({@link SessionStep#ifCurrent}). What one step leaves for the next (a password the core refused although MINA
 * was told it was right; a right one the defender scored as wrong) is kept on the session here.
 *
 * <p>Split out of {@link CoreUserAuthenticator} (which keeps MINA's callbacks and the logins that need no TOTP step)
 * without a change of behaviour; its lines are still logged under that class's name ({@link AuthAttempts#LOG}).
 */
final class MfaStepAnswers {

    private static final Logger LOG = AuthAttempts.LOG;

    /** The login name of a password the core refused but MINA was told was right (see {@link #passwordStep}). */
    private static final AttributeKey<String> REFUSED_FIRST_STEP = new AttributeKey<>();

    /** Set by a right password whose TOTP step is to come, which the defender scored as a wrong one. */
    private static final AttributeKey<Boolean> PASSWORD_SCORED = new AttributeKey<>();

    private final Authenticator authenticator;
    private final AuthAttempts attempts;
    private final AnswerFloor passwordFloor;
    private final AnswerFloor codeFloor;
    private final AuthSteps steps;

    MfaStepAnswers(Authenticator authenticator, AuthAttempts attempts, AnswerFloor passwordFloor,
                   AnswerFloor codeFloor, AuthSteps steps) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.passwordFloor = Objects.requireNonNull(passwordFloor, "passwordFloor");
        this.codeFloor = Objects.requireNonNull(codeFloor, "codeFloor");
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** The floor of the TOTP step's answers ({@link TotpKeyboardInteractive}). */
    AnswerFloor codeStepFloor() {
        return codeFloor;
    }

    /** Where the floored steps are decided ({@link TotpKeyboardInteractive}). */
    AuthSteps steps() {
        return steps;
    }

    /** The arrival time of a password request, to pass to {@link #passwordStep}: now. */
    long passwordArrived() {
        return passwordFloor.arrived();
    }

    /**
     * The password step of an MFA login ({@link #continuesAfterPassword}), for MINA's password callback to throw: the
     * core's {@link Authenticator#firstFactorByPassword} is asked on a worker, and MINA told yes (a partial success:
     * the TOTP step follows) for a right password whose principal needs its code (no login yet, the TOTP step records
     * it), a right one of any other principal (a login) and a refused one alike, no sooner than
     * {@link AnswerFloor#PASSWORD_STEP} after {@code arrived}. A refused one leaves no principal on the session, so
     * the TOTP step asks for the code as ever and fails ({@link #secondStepAfterRefusal}). A check that throws (a
     * busy catalog) or finds no worker free is answered as a refused password would be, through the floor: partial
     * success; the thrown one with the step marked refused. {@code secret} stays the caller's: the worker gets a copy,
     * which it wipes.
     */
    PendingAnswer passwordStep(ServerSession session, SessionStep step, String username, char[] secret,
                               String source, long arrived) {
        char[] copy = secret.clone(); // the worker's, which wipes it
        return steps.decide(session, passwordFloor, arrived, "password step",
                () -> firstStep(session, step, username, copy, source),
                e -> {
                    step.ifCurrent(() -> session.setAttribute(REFUSED_FIRST_STEP, username));
                    return true;
                },
                counted(() -> {
                    Arrays.fill(copy, '\0');
                    return true; // no mark: the code step just fails, and nobody is scored for a busy server
                }));
    }

    /**
     * The answer of a step the pool did not decide: {@code answer}'s, the refusal counted by its reason
     * ({@code vaultgate_sftp_mfa_steps_refused_total}).
     */
    AuthSteps.Saturated counted(BooleanSupplier answer) {
        return why -> {
            attempts.notDecided(why);
            return answer.getAsBoolean();
        };
    }

    /** The password step of an MFA login, on a worker: always a partial success ({@link #passwordStep}). */
    private boolean firstStep(ServerSession session, SessionStep step, String username, char[] secret,
                              String source) {
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            AuthResult result = authenticator.firstFactorByPassword(username, secret, Protocol.SFTP, source);
            if (!(result instanceof AuthResult.Partial)) {
                attempts.record("password", session, result);
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
     * The TOTP step of {@code principal}, whose key or password was its first step: the core's {@code byTotp}, the
     * login's one recorded success. The session keeps the first step's principal and credential (a revocation of
     * the key ends it). On a worker of {@link AuthSteps}: {@code passwordScored} was read when the step began
     * ({@link #passwordScored}), and the session is written only while {@code step} is its current one.
     */
    boolean secondFactor(ServerSession session, SessionStep step, Principal principal, String code,
                         boolean passwordScored) {
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            AuthResult result = authenticator.byTotp(principal, code, Protocol.SFTP, source);
            attempts.record("totp", session, result);
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
     * timer), and the record made there, stamped now, when it is known that the success was not delivered; its write
     * is handed to {@link AuthSteps#record}, so that a slow catalog does not hold back the other logins' answers, and
     * comes after the step's {@code auth.succeeded} (recorded before the answer). A failure to record is logged,
     * never thrown (the answer is past).
     */
    void loginNotDelivered(ServerSession session, Principal principal) {
        Runnable write;
        try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
            String source = SessionPrincipal.sourceAddress(session);
            LOG.info("sftp auth undelivered: method=totp user={} from={}: the code was right (audited, used up) but"
                    + " MINA did not log the session in with it (another request or the session's end came first, or"
                    + " the account's session limit was reached)",
                    LogText.quoted(principal.name()), source);
            write = Objects.requireNonNull(authenticator.undelivered(principal, "totp", Protocol.SFTP, source),
                    "the authenticator's write of the undelivered record");
        } catch (RuntimeException e) {
            warnNotAudited(e);
            return;
        }
        steps.record(() -> {
            try (SessionMdc.Scope mdc = SessionMdc.enter(session)) {
                write.run();
            } catch (RuntimeException e) {
                warnNotAudited(e);
            }
        });
    }

    private static void warnNotAudited(RuntimeException e) {
        LOG.warn("sftp: an undelivered TOTP success could not be audited: {}", e.getClass().getName());
    }

    /**
     * The TOTP step of a session without a principal. After a password the core refused, which MINA was told was
     * right ({@link #passwordStep}), it fails as a wrong code after a right password does: scored against the
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

    /** Whether the session's first step was a right password the defender scored as a wrong one. */
    static boolean passwordScored(ServerSession session) {
        return session.getAttribute(PASSWORD_SCORED) != null;
    }

    /** The login name of a password the core refused but MINA was told was right; null if none. */
    static String refusedFirstStep(ServerSession session) {
        return session.getAttribute(REFUSED_FIRST_STEP);
    }

    /** Forgets what the session's earlier steps left for the next (under the step lock, {@link SessionStep#begin}). */
    static void forget(ServerSession session) {
        session.removeAttribute(REFUSED_FIRST_STEP);
        session.removeAttribute(PASSWORD_SCORED);
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
}
