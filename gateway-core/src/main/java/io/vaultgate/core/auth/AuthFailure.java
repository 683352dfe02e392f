package io.vaultgate.core.auth;

/** Why an authentication attempt failed; never shown to the client, used for audit and metrics. */
public enum AuthFailure {
    UNKNOWN_USER, BAD_CREDENTIAL, METHOD_NOT_ALLOWED, ACCOUNT_EXPIRED, TENANT_LOCKED, PROTOCOL_NOT_ALLOWED,
    SOURCE_NOT_ALLOWED
}
