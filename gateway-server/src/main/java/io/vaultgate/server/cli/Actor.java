package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.AccountCredentials;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.policy.Policies;

/**
 * Who an administrative command acts as, for the audit log: {@code cli:<operating-system user>}, and the core's
 * administrative services acting as them. Commands change tenants, accounts, sites, routes, keys and policies only
 * through these, so every change made with the CLI records who made it.
 */
public final class Actor {

    private Actor() {
    }

    /** {@code cli:<user>}, the operating-system user running this command ({@code cli:unknown} if unusable). */
    public static String current() {
        String user = System.getProperty("user.name", "unknown");
        return "cli:" + (user.matches("[A-Za-z0-9._@-]{1,64}") ? user : "unknown");
    }

    /** Tenants and accounts, changed as {@link #current()}. */
    static Administration administration(GatewayCore core) {
        return core.administration().as(current());
    }

    /** An existing account's credentials, added as {@link #current()}. */
    static AccountCredentials accountCredentials(GatewayCore core) {
        return administration(core).accountCredentials();
    }

    /** Sites, operators and routes, changed as {@link #current()}. */
    static SiteAdministration sites(GatewayCore core) {
        return core.sites().as(current());
    }

    /** Key rotation, re-wrapping and retirement, audited as {@link #current()}. */
    static KeyRotation keys(GatewayCore core) {
        return core.keyRotation().as(current());
    }

    /** Data-handling policies and acknowledgements recorded by an administrator, as {@link #current()}. */
    static Policies policies(GatewayCore core) {
        return core.policies().as(current());
    }
}
