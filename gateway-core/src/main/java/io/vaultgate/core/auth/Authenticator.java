package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Protocol;

/**
 * Checks credentials presented by any front-end against the catalog. Front-ends pass what the client
 * offered and never decide themselves; every call is one audit event.
 */
public interface Authenticator {

    /**
     * @param fingerprint the key's OpenSSH SHA-256 fingerprint ({@code SHA256:base64}, no padding)
     */
    AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress);

    AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress);

    /** A bearer API token, for HTTPS. */
    AuthResult byToken(String token, Protocol protocol, String sourceAddress);

    /**
     * A TLS client certificate the front-end has already validated against the gateway's client CA,
     * identified by the SHA-256 of its DER encoding (lower-case hex).
     */
    default AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(null, AuthFailure.METHOD_NOT_ALLOWED);
    }
}
