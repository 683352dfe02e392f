package io.vaultgate.core.auth;

import io.vaultgate.core.auth.AuthResult.Failure;
import io.vaultgate.core.auth.AuthResult.Success;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.defender.LoginMethod;
import io.vaultgate.core.tenant.Account;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The lockout counts of login names ({@link LoginLockouts}), where the gateway keeps them: a name locked for a method
 * is refused before its credential is checked, a wrong credential counts towards its lockout (unless the tenant's
 * policy refused the account anyway: {@link Decided}), and a login resets the count. Without lockouts, nothing is
 * locked or counted.
 */
final class LoginCounts {

    private final Database database;
    private final AccountRepository accounts;
    private final Optional<LoginLockouts> lockouts;

    LoginCounts(Database database, AccountRepository accounts, Optional<LoginLockouts> lockouts) {
        this.database = database;
        this.accounts = accounts;
        this.lockouts = lockouts;
    }

    boolean locked(Jdbc jdbc, String username, LoginMethod method) throws SQLException {
        return lockouts.isPresent() && lockouts.get().lockedUntil(jdbc, username, method).isPresent();
    }

    /** Resets the name's count of {@code method} where {@code result} is a success; returns {@code result}. */
    AuthResult succeeded(Jdbc jdbc, String username, LoginMethod method, AuthResult result) throws SQLException {
        if (result instanceof Success && lockouts.isPresent()) {
            lockouts.get().succeeded(jdbc, username, method);
        }
        return result;
    }

    /** A wrong credential that counts towards its login name's lockout is counted (after the read ended). */
    AuthResult counted(Decided decided, LoginMethod method) {
        if (lockouts.isPresent() && decided.counts() && decided.result() instanceof Failure failure
                && failure.username() != null) {
            lockouts.get().failed(failure.username(), method, database.read(jdbc ->
                    accounts.findByUsername(jdbc, failure.username()).map(Account::tenant)));
        }
        return decided.result();
    }

    /** A wrong TOTP code of {@code principal}: counted always, towards the lockout of the name's TOTP step. */
    void failedTotp(Principal principal) {
        lockouts.ifPresent(counter -> counter.failed(principal.name(), LoginMethod.TOTP,
                principal instanceof ClientPrincipal client ? Optional.of(client.tenant()) : Optional.empty()));
    }

    /**
     * A login's result, and whether it counts towards the name's lockout: a wrong credential does, unless the
     * tenant's policy refuses the account anyway. While a policy refuses (a locked tenant, an expired account, a
     * protocol, method or source not allowed), the credential decides nothing the client can observe: the answer,
     * the defender's score and the lockout count are those of a wrong one, whether it was right or wrong, and so are
     * the reason metrics and logs show ({@link Failure#shown}, the policy's for both). Only the audit record
     * (administrators' alone) keeps the truth: the policy's reason for a right credential,
     * {@link AuthFailure#BAD_CREDENTIAL} for a wrong one. Nothing counts then, so that neither the account's own
     * retries nor guesses from a refused source lock the account out for after the policy lifts, and a count that
     * went up for wrong credentials only would tell the right one apart.
     */
    record Decided(AuthResult result, boolean counts) {

        static Decided uncounted(AuthResult result) {
            return new Decided(result, false);
        }

        static Decided refusedCredential(String username) {
            return new Decided(new Failure(username, AuthFailure.BAD_CREDENTIAL), true);
        }

        static Decided refusedByPolicy(String username, AuthFailure policy, boolean rightCredential) {
            return uncounted(new Failure(username, rightCredential ? policy : AuthFailure.BAD_CREDENTIAL, policy));
        }
    }
}
