package io.vaultgate.core.mfa;

import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.MonitorPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import java.util.Locale;

/**
 * The roles an MFA policy names. A monitor has none: it logs in nowhere but the ops listener, with a token and never a
 * second factor, so no MFA question is ever asked of it.
 */
public enum Role {
    CLIENT, OPERATOR, ADMIN;

    /**
     * The principal's role; each kind is named, none is a default.
     *
     * @throws IllegalArgumentException for a {@link MonitorPrincipal} (or a kind this version does not know): asking
     *                                  about a monitor's second factor is a caller's bug, and answering with another
     *                                  role's policy or secrets (an operator's, as this once did) would be wrong either
     *                                  way, so it fails, and the login or the token it was for with it
     */
    public static Role of(Principal principal) {
        if (principal instanceof ClientPrincipal) {
            return CLIENT;
        }
        if (principal instanceof OperatorPrincipal) {
            return OPERATOR;
        }
        if (principal instanceof AdminPrincipal) {
            return ADMIN;
        }
        throw new IllegalArgumentException(noRole(principal));
    }

    /** Why {@code principal} has no MFA role. */
    static String noRole(Principal principal) {
        return principal instanceof MonitorPrincipal
                ? "monitor " + principal.name() + " has no MFA role: a monitor's token opens the ops listener only, "
                + "without a second factor, and gets no session token"
                : "no MFA role for a principal of kind " + principal.getClass().getSimpleName();
    }

    /** The name stored with an enrolled secret. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
