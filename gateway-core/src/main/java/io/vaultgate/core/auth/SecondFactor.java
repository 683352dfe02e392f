package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.defender.LoginMethod;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.tenant.Protocol;
import java.util.Optional;

/**
 * The second factor of a login, where a role requires MFA ({@link Mfa#required}): the TOTP step that completes a
 * login whose first factor passed, and the refusal of a first factor that would log such a role in alone. Without
 * MFA configured, no role requires it and every code is wrong.
 */
final class SecondFactor {

    private final Database database;
    private final Optional<Mfa> mfa;
    private final LoginCounts counts;

    SecondFactor(Database database, Optional<Mfa> mfa, LoginCounts counts) {
        this.database = database;
        this.mfa = mfa;
        this.counts = counts;
    }

    /** Whether {@code principal}'s role requires a second factor. */
    boolean required(Principal principal) {
        return mfa.isPresent() && mfa.get().required(principal);
    }

    /**
     * Checks a TOTP code for a principal whose first factor passed. Wrong codes count towards a lockout of the
     * name's TOTP step, always (not only where key logins lock): whoever holds a stolen token or key could
     * otherwise guess codes from as many addresses as they have, 3 valid codes in 10^6 at window 1. A right code
     * completes the login, which resets every count of the name: its first step (a key, a token, a password) reset
     * none, since it was not yet a login.
     */
    AuthResult verify(Principal principal, String code, AuthResult success) {
        String name = principal.name();
        if (database.read(jdbc -> counts.locked(jdbc, name, LoginMethod.TOTP))) {
            return new Failure(name, AuthFailure.ACCOUNT_LOCKED_OUT);
        }
        if (mfa.isEmpty() || !mfa.get().verify(principal, code)) {
            counts.failedTotp(principal);
            return new Failure(name, AuthFailure.MFA_FAILED);
        }
        return database.read(jdbc -> {
            for (LoginMethod method : LoginMethod.values()) { // the login is complete: its first factor's count too
                counts.succeeded(jdbc, name, method, success);
            }
            return success;
        });
    }

    /** A token issued after a TOTP check stands for the second factor; any other needs one where the role does. */
    AuthResult ofToken(String token, AuthResult result, Protocol protocol) {
        if (result instanceof Success && mfa.isPresent()
                && database.read(jdbc -> mfa.get().isSessionToken(jdbc, ApiTokens.hash(token)))) {
            return result;
        }
        return needed(result, protocol);
    }

    /**
     * Over HTTPS, a role that requires MFA logs in only with a token issued after a TOTP check; over SFTP
     * the front-end asks for the code as a second step. (A password is refused so over every protocol, and is a
     * partial first step of a login only through {@link Authenticator#firstFactorByPassword}.)
     */
    AuthResult needed(AuthResult result, Protocol protocol) {
        if (result instanceof Success success && protocol == Protocol.HTTPS && required(success.principal())) {
            return new Failure(success.principal().name(), AuthFailure.MFA_REQUIRED);
        }
        return result;
    }
}
