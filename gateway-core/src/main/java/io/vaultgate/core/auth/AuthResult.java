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

    record Failure(String username, AuthFailure reason) implements AuthResult {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
