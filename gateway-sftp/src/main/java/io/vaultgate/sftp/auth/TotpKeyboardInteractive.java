package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * The second step of {@code publickey,keyboard-interactive} and {@code password,keyboard-interactive}: asks a
 * principal whose role requires MFA for its current TOTP code and checks it with the core (each code once;
 * {@link MfaStepAnswers#secondFactor}, whose success is the login's one recorded success, the first step
 * having recorded none). A principal whose role does not require it gets a challenge without prompts, which clients
 * answer without asking anyone. Without a principal on the session (a first step that failed, a password the core
 * refused while the client was told it was right, or none at all) the step asks for the code all the same, so that
 * it shows nothing a right password would not, and fails ({@link MfaStepAnswers#secondStepAfterRefusal}).
 * Every answer of the step waits out the same floor after the response arrived ({@link AnswerFloor}), so neither
 * does the time it takes.
 */
public final class TotpKeyboardInteractive implements KeyboardInteractiveAuthenticator {

    static final String PROMPT = "Verification code: ";

    private final AccessControl access;
    private final MfaStepAnswers mfa;
    private final AnswerFloor floor;

    /** Answers through {@code core}'s floor of the code step ({@link AnswerFloor#CODE_STEP}). */
    public TotpKeyboardInteractive(AccessControl access, CoreUserAuthenticator core) {
        this.access = access;
        this.mfa = core.mfaSteps();
        this.floor = mfa.codeStepFloor();
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
                                                  String subMethods) {
        InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("Vaultgate");
        challenge.setLanguageTag("");
        Optional<Principal> principal = SessionPrincipal.of(session);
        if (principal.isEmpty() || access.mfaRequired(principal.get())) {
            challenge.setInteractionInstruction("Enter the 6-digit code of your authenticator app.");
            challenge.addPrompt(PROMPT, false);
        } else {
            challenge.setInteractionInstruction("");
        }
        return challenge;
    }

    /**
     * Captures what the step needs and throws at once; the step is decided on a worker of {@link AuthSteps} and
     * answered no sooner than {@link AnswerFloor#CODE_STEP} after the response arrived, whatever the outcome
     * ({@link AnswerFloor}): a right password's code is checked by the core, a refused password's is not, and
     * neither the time the answer took nor the time MINA's I/O thread was kept (a request pipelined behind the
     * response is handled at once) must tell them apart. A check that throws or finds no worker free is a wrong
     * code, answered through the floor.
     *
     * <p>A code the core accepted is the login's success on record before MINA is answered (audited, the code used
     * up, the name's counts reset: fail closed, nobody is let in unaudited); if MINA then does not take the answer
     * (the client sent another message or left within the floor), the session never logs in, and
     * {@link MfaStepAnswers#loginNotDelivered} records that.
     */
    @Override
    public boolean authenticate(ServerSession session, String username, List<String> responses) {
        long arrived = floor.arrived();
        SessionStep step = SessionStep.begin(session, () -> { });
        Optional<Principal> principal = SessionPrincipal.of(session);
        String refused = MfaStepAnswers.refusedFirstStep(session);
        boolean scored = MfaStepAnswers.passwordScored(session);
        List<String> answers = responses == null ? null : List.copyOf(responses);
        AtomicBoolean login = new AtomicBoolean(); // a code the core accepted: the login's success is on record
        PendingAnswer pending = mfa.steps().decide(session, floor, arrived, "TOTP step",
                () -> decide(session, step, username, answers, principal, refused, scored, login), e -> false,
                mfa.counted(() -> false));
        pending.whenTaken(authed -> {
            if (authed && login.get() && !session.isAuthenticated()) {
                mfa.loginNotDelivered(session, principal.get());
            }
        });
        throw pending;
    }

    private boolean decide(ServerSession session, SessionStep step, String username, List<String> responses,
                           Optional<Principal> principal, String refused, boolean scored, AtomicBoolean login) {
        if (principal.isEmpty()) {
            mfa.secondStepAfterRefusal(session, username, refused);
            return false;
        }
        if (!principal.get().name().equals(username)) {
            return false;
        }
        if (!access.mfaRequired(principal.get())) {
            return responses == null || responses.isEmpty();
        }
        if (responses == null || responses.size() != 1) {
            return false;
        }
        boolean accepted = mfa.secondFactor(session, step, principal.get(), responses.get(0).strip(), scored);
        login.set(accepted);
        return accepted;
    }
}
