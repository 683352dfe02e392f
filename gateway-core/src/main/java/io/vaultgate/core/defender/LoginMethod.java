package io.vaultgate.core.defender;

/** The kinds of login a lockout counts separately. */
public enum LoginMethod {
    PASSWORD, KEY,
    /** The TOTP step after a first factor (SFTP keyboard-interactive, the HTTPS token exchange). */
    TOTP;

    String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
