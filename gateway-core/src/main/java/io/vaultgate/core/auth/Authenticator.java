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
}
