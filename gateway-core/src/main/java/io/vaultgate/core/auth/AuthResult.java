package io.vaultgate.core.auth;

import java.util.Objects;

/** The outcome of one authentication attempt. */
public sealed interface AuthResult {

    /**
     * @param credential which credential proved it, as a {@link Credentials} id (e.g. {@code token:<sha256>}),
     *                   so live sessions can be ended when exactly that credential is revoked
     */
    record Success(Principal principal, String credential) implements AuthResult {
        public Success {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(credential, "credential");
        }

        /** A success whose credential is not tracked (test doubles, in-process principals). */
        public Success(Principal principal) {
            this(principal, Credentials.UNTRACKED);
        }
    }

    /**
     * A right first factor (an SFTP password) of a principal whose role requires MFA: no login yet, only what the
     * second step ({@link Authenticator#byTotp}) is asked for. Returned by {@link Authenticator#firstFactorByPassword}
     * alone; it is no success: not audited as one, no lockout count reset.
     *
     * @param credential the first factor's {@link Credentials} id, which the completed login keeps
     */
    record Partial(Principal principal, String credential) implements AuthResult {
        public Partial {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(credential, "credential");
        }
    }

    /**
     * A refusal. Two reasons, which differ only where telling them apart would tell a right credential from a wrong
     * one: the true one, which the audit record keeps (tamper-evident, read by administrators alone), and the shown
     * one, all that metrics, the front-ends' logs and their answers may go by. While the tenant's policy refuses an
     * account, a right password's reason is the policy's and a wrong one's {@link AuthFailure#BAD_CREDENTIAL}, but both
     * show the policy's: a metric label or log line that differed would tell whoever scrapes the ops listener or reads
     * the server log which password was right.
     *
     * @param reason the true reason, for the audit record and the defender's score (which is the same for a right and a
     *               wrong password there: {@link DefendingAuthenticator#passwordOffenceOf})
     * @param shown  the reason for everyone else
     */
    record Failure(String username, AuthFailure reason, AuthFailure shown) implements AuthResult {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(shown, "shown");
        }

        /** A refusal whose reason may be shown as it is. */
        public Failure(String username, AuthFailure reason) {
            this(username, reason, reason);
        }
    }
}
