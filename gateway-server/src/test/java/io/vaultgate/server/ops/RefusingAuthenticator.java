package io.vaultgate.server.ops;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;

/**
 * An authenticator that refuses every credential: for ops listener tests that need no administrator; a test that
 * needs one kind of credential to pass overrides its method.
 */
class RefusingAuthenticator implements Authenticator {

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
        return new AuthResult.Failure(username, AuthFailure.METHOD_NOT_ALLOWED);
    }

    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
        return new AuthResult.Failure(username, AuthFailure.METHOD_NOT_ALLOWED);
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String source) {
        return new AuthResult.Failure(null, AuthFailure.METHOD_NOT_ALLOWED);
    }
}
