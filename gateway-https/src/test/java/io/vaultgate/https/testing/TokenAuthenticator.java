package io.vaultgate.https.testing;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.util.Arrays;

/** Accepts one token and one username/password pair, for handler unit tests. */
public final class TokenAuthenticator implements Authenticator {

    public static final String TOKEN = "vg_test_token";
    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret: with colon";
    public static final ClientPrincipal ALICE = new ClientPrincipal("a1", USER, TenantId.of("acme"), Protocol.HTTPS);

    public char[] lastPassword;

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(username, AuthFailure.METHOD_NOT_ALLOWED);
    }

    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress) {
        lastPassword = password;
        return USER.equals(username) && Arrays.equals(password, PASSWORD.toCharArray())
                ? new AuthResult.Success(ALICE) : new AuthResult.Failure(username, AuthFailure.BAD_CREDENTIAL);
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String sourceAddress) {
        return TOKEN.equals(token) ? new AuthResult.Success(ALICE) : new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL);
    }
}
