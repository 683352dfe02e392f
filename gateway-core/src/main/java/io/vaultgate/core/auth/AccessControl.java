package io.vaultgate.core.auth;

import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.session.LiveSessions;
import java.time.Clock;
import java.util.Optional;

/**
 * What front-ends do around authentication, besides checking credentials: ask the defender whether a new
 * connection may proceed (before any crypto), report offences, register authenticated sessions so that a
 * lockdown or revocation can end them, apply the MFA policy, show the login banner. Reached through
 * {@link Authenticator#access()}, so a front-end given the core's authenticator has all of it.
 */
public interface AccessControl {

    /** @param stage {@code connect} (before any crypto) or {@code login}; for the refusal counter */
    boolean admits(String sourceAddress, String stage);

    void offence(String sourceAddress, io.vaultgate.core.defender.Offence offence);

    /**
     * Takes back one offence scored against the source for a login that has since completed (a right password
     * scored as a wrong one until its TOTP step, see {@link Authenticator#firstFactorByPassword}). Without a
     * defender there is nothing to take back.
     */
    default void forgive(String sourceAddress, Offence offence) {
    }

    LiveSessions sessions();

    /** Whether this principal's role must pass a TOTP check besides its credential. */
    boolean mfaRequired(Principal principal);

    /** Whether any role requires MFA (front-ends then add their second step). */
    boolean mfaConfigured();

    /**
     * Whether a password login must pass a TOTP check: passwords are client accounts' alone, so whether their role
     * requires MFA. Without a policy to ask, whether any role does: a code asked for needlessly, never a login without
     * one.
     */
    default boolean mfaRequiredForPasswords() {
        return mfaConfigured();
    }

    /** A short-lived bearer token for a principal that just passed TOTP; empty where MFA is not set up. */
    Optional<Mfa.IssuedToken> issueSessionToken(Principal principal);

    /** The login banner, if one is configured. */
    Optional<String> banner();

    /** Admits everyone, requires no MFA, shows no banner; sessions are tracked but nothing ends them. */
    static AccessControl open() {
        LiveSessions sessions = new LiveSessions(Clock.systemUTC());
        return new AccessControl() {
            @Override
            public boolean admits(String sourceAddress, String stage) {
                return true;
            }

            @Override
            public void offence(String sourceAddress, Offence offence) {
            }

            @Override
            public LiveSessions sessions() {
                return sessions;
            }

            @Override
            public boolean mfaRequired(Principal principal) {
                return false;
            }

            @Override
            public boolean mfaConfigured() {
                return false;
            }

            @Override
            public Optional<Mfa.IssuedToken> issueSessionToken(Principal principal) {
                return Optional.empty();
            }

            @Override
            public Optional<String> banner() {
                return Optional.empty();
            }
        };
    }
}
