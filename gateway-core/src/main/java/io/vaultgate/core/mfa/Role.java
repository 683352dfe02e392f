package io.vaultgate.core.mfa;

import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import java.util.Locale;

/** The roles an MFA policy names. */
public enum Role {
    CLIENT, OPERATOR, ADMIN;

    public static Role of(Principal principal) {
        if (principal instanceof ClientPrincipal) {
            return CLIENT;
        }
        return principal instanceof AdminPrincipal ? ADMIN : OPERATOR;
    }

    /** The name stored with an enrolled secret. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
