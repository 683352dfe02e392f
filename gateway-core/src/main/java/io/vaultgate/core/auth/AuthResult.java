package io.vaultgate.core.auth;

import java.util.Objects;

/** The outcome of one authentication attempt. */
public sealed interface AuthResult {

    record Success(Principal principal) implements AuthResult {
        public Success {
            Objects.requireNonNull(principal, "principal");
        }
    }

    record Failure(String username, AuthFailure reason) implements AuthResult {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
