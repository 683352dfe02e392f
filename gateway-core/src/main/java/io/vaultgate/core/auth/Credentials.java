package io.vaultgate.core.auth;

/**
 * Stable ids of credentials, as live sessions record them and revocations name them. An id never contains
 * the secret itself: keys and certificates by their fingerprint, tokens by their SHA-256, passwords by the
 * account.
 */
public final class Credentials {

    /** The credential of a success nobody will revoke by id. */
    public static final String UNTRACKED = "untracked";

    private Credentials() {
    }

    /** An SSH key of a login name, by its OpenSSH SHA-256 fingerprint. */
    public static String sshKey(String fingerprint) {
        return "ssh-key:" + fingerprint;
    }

    /** An API token, by {@link ApiTokens#hash the SHA-256 of the token}. */
    public static String token(String tokenHash) {
        return "token:" + tokenHash;
    }

    /** A TLS client certificate, by the SHA-256 of its DER encoding (lower-case hex). */
    public static String certificate(String sha256) {
        return "certificate:" + sha256;
    }

    /** The password of an account or operator, by its id. */
    public static String password(String principalId) {
        return "password:" + principalId;
    }
}
