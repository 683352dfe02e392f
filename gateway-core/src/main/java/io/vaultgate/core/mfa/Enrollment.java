package io.vaultgate.core.mfa;

/**
 * A new TOTP secret, shown once to the person enrolling: the base32 secret and the {@code otpauth://} URI an
 * authenticator app scans. Not a record, so that it never prints the secret by accident.
 */
public final class Enrollment {

    private final String secret;
    private final String uri;

    Enrollment(String secret, String uri) {
        this.secret = secret;
        this.uri = uri;
    }

    public String secret() {
        return secret;
    }

    public String uri() {
        return uri;
    }

    @Override
    public String toString() {
        return "Enrollment[secret=(redacted)]";
    }
}
