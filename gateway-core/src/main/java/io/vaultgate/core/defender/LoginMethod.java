package io.vaultgate.core.defender;

/** The kinds of login a lockout counts separately. */
public enum LoginMethod {
    PASSWORD, KEY;

    String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
