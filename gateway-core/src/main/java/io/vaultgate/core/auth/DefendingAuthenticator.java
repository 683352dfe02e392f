package io.vaultgate.core.auth;

import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.tenant.Protocol;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The outermost authenticator: refuses a banned or denied source address before any credential is looked
 * at (not audited, only counted: a ban must keep a flood cheap; the ban itself was audited), and scores every
 * failed attempt against the source address with the defender. Front-ends that can refuse earlier, at
 * connect, do so through {@link AccessControl#admits}; this is the backstop for every path.
 */
public final class DefendingAuthenticator implements Authenticator {

    private static final String STAGE = "login";

    private final Authenticator delegate;
    private final AccessControl access;

    public DefendingAuthenticator(Authenticator delegate, AccessControl access) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.access = Objects.requireNonNull(access, "access");
    }

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byPublicKey(username, fingerprint, protocol, source));
    }

    @Override
    public AuthResult queryPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return guarded(source, () -> delegate.queryPublicKey(username, fingerprint, protocol, source));
    }

    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byPassword(username, password, protocol, source),
                DefendingAuthenticator::passwordOffenceOf);
    }

    /**
     * Scored as {@link #byPassword} is, and a partial (a right password whose TOTP step is still to come) as a wrong
     * password: the client is told the same for both (the TOTP step follows either way), and the ban a run of
     * guesses earns must not come later for right ones. The front-end takes this point back
     * ({@link AccessControl#forgive}) once the TOTP step completes the login, so legitimate logins earn no ban.
     */
    @Override
    public AuthResult firstFactorByPassword(String username, char[] password, Protocol protocol, String source) {
        AuthResult result = guarded(source, () -> delegate.firstFactorByPassword(username, password, protocol,
                source), DefendingAuthenticator::passwordOffenceOf);
        if (result instanceof AuthResult.Partial) {
            access.offence(source, Offence.LOGIN_FAILED);
        }
        return result;
    }

    @Override
    public AuthResult refusedSignature(String username, Protocol protocol, String source) {
        return guarded(source, () -> delegate.refusedSignature(username, protocol, source));
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byToken(token, protocol, source));
    }

    @Override
    public AuthResult byOpsToken(String token, String source) {
        return guarded(source, () -> delegate.byOpsToken(token, source));
    }

    @Override
    public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byCertificate(sha256Fingerprint, protocol, source));
    }

    @Override
    public AuthResult certificateBound(AuthResult.Success login, String sha256Fingerprint, Protocol protocol,
                                       String source) {
        return guarded(source, () -> delegate.certificateBound(login, sha256Fingerprint, protocol, source));
    }

    @Override
    public AuthResult byTotp(Principal principal, String code, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byTotp(principal, code, protocol, source));
    }

    /** Not scored, nor refused for a banned address: the success it follows was decided already. */
    @Override
    public Runnable undelivered(Principal principal, String method, Protocol protocol, String source) {
        return delegate.undelivered(principal, method, protocol, source);
    }

    @Override
    public AuthResult byTokenAndTotp(String token, String code, Protocol protocol, String source) {
        return guarded(source, () -> delegate.byTokenAndTotp(token, code, protocol, source));
    }

    @Override
    public AccessControl access() {
        return access;
    }

    @Override
    public Authenticator withoutDefender() {
        return delegate.withoutDefender();
    }

    private AuthResult guarded(String source, Supplier<AuthResult> attempt) {
        return guarded(source, attempt, DefendingAuthenticator::offenceOf);
    }

    private AuthResult guarded(String source, Supplier<AuthResult> attempt, Function<AuthFailure, Offence> scores) {
        if (!access.admits(source, STAGE)) {
            return new AuthResult.Failure(null, AuthFailure.SOURCE_BANNED);
        }
        AuthResult result = attempt.get();
        if (result instanceof AuthResult.Failure failure) {
            Offence offence = scores.apply(failure.reason());
            if (offence != null) {
                access.offence(source, offence);
            }
        }
        return result;
    }

    /**
     * Guessing scores, and so does a refusal a legitimate user may meet (a locked-out name, a method or source the
     * tenant does not allow). A right key, token or certificate refused by the tenant's policy (locked tenant,
     * expired account, protocol not allowed) does not: it was proved (a signature, a TLS handshake) or cannot be
     * guessed (256 random bits), so sparing its holder's address tells nobody anything they could not learn by
     * holding it. A password refused unchecked because every check was busy ({@link AuthFailure#PASSWORD_CHECK_BUSY})
     * does not either: a flood from many addresses keeps the checks busy, and if the refusals it causes scored, every
     * user retrying meanwhile (HTTPS tells them to, after a second) would be banned for a password nobody checked. The
     * flood itself is scored by the attempts of it that are checked, and bounded per source by the connection caps.
     */
    static Offence offenceOf(AuthFailure reason) {
        switch (reason) {
            case UNKNOWN_USER:
                return Offence.UNKNOWN_USER;
            case BAD_CREDENTIAL:
            case MFA_FAILED:
            case ACCOUNT_LOCKED_OUT:
            case METHOD_NOT_ALLOWED:
            case SOURCE_NOT_ALLOWED:
            case CERTIFICATE_MISMATCH:
                return Offence.LOGIN_FAILED;
            default:
                return null;
        }
    }

    /**
     * A password login scores as {@link #offenceOf} says, and a right password refused all the same scores as a
     * wrong one: one that still needs its second factor ({@link AuthFailure#MFA_REQUIRED}, which a password alone
     * never gets past), and one the tenant's policy refuses ({@link AuthFailure#TENANT_LOCKED},
     * {@link AuthFailure#ACCOUNT_EXPIRED}, {@link AuthFailure#PROTOCOL_NOT_ALLOWED}; a wrong password there is
     * {@link AuthFailure#BAD_CREDENTIAL}). A ban is observable (the next connection is closed), and if right
     * passwords scored nothing, the ban a run of guesses earns would come one attempt later for each right one among
     * them, telling the guesser which was right: against a locked tenant with no lockout to stop it, to be used once
     * the tenant is unlocked. The price: a user of a locked tenant who keeps retrying its right password is banned as
     * a guesser would be; not scoring any password there would spare it, but would tell anyone which names exist in
     * a locked tenant (an unknown name scores).
     */
    static Offence passwordOffenceOf(AuthFailure reason) {
        switch (reason) {
            case MFA_REQUIRED:
            case TENANT_LOCKED:
            case ACCOUNT_EXPIRED:
            case PROTOCOL_NOT_ALLOWED:
                return Offence.LOGIN_FAILED;
            default:
                return offenceOf(reason);
        }
    }
}
