package io.vaultgate.core.auth;

/**
 * Why an authentication attempt failed; never shown to the client, used for audit and metrics (which count the reason
 * a failure may show, {@link AuthResult.Failure#shown}, not always its true one).
 */
public enum AuthFailure {
    UNKNOWN_USER, BAD_CREDENTIAL, METHOD_NOT_ALLOWED, ACCOUNT_EXPIRED, TENANT_LOCKED, PROTOCOL_NOT_ALLOWED,
    SOURCE_NOT_ALLOWED,
    /** The source address is banned by the defender or on the global deny list. */
    SOURCE_BANNED,
    /** Too many failed logins of this method: the account's logins by it are locked for a while. */
    ACCOUNT_LOCKED_OUT,
    /** The principal's role requires a second factor (TOTP) and this credential alone is not enough. */
    MFA_REQUIRED,
    /** The TOTP code was wrong, already used, or outside the time window. */
    MFA_FAILED,
    /**
     * The password was never checked: every permitted password check ({@code PasswordHasher}) stayed busy for the
     * whole wait. Refused (fail closed) and scored against the source like any failed login, but no evidence
     * about the password or the name: it counts towards no login name's lockout and resets nothing, so a flood
     * from elsewhere cannot lock a user out. Decided before the name is looked at, so it tells nothing about
     * which names exist.
     */
    PASSWORD_CHECK_BUSY,
    /**
     * A monitor's token, which reads the ops listener's metrics and status only: presented anywhere else (a
     * front-end's login, the token exchange), it is refused with this reason and the monitor's name. Not guessing,
     * so the defender does not score it; a leaked scrape token being tried shows here.
     */
    MONITOR_ONLY,
    /**
     * A client account's header credential (API token or password), right in itself, presented over a connection whose
     * client certificate is not currently registered to that account, where the listener requires client
     * certificates ({@code https.client-certificates.mode: required}): another account's certificate, or one revoked
     * since. Recorded after the credential's own success ({@link Authenticator#certificateBound}); scored.
     */
    CERTIFICATE_MISMATCH
}
