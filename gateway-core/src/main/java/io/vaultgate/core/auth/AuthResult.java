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

    record Failure(String username, AuthFailure reason) implements AuthResult {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
