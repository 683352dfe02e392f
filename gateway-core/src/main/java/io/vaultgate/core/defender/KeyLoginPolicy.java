package io.vaultgate.core.defender;

/** Whether failed public key, certificate and token logins count towards an account's lockout. */
public enum KeyLoginPolicy {
    /** Only passwords lock an account (clients routinely offer several keys before the right one). */
    IGNORE,
    /** Failed key logins count too, under the same threshold and lockout time as passwords. */
    LOCK
}
