package io.vaultgate.https.admin;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.AccountCreation;
import io.vaultgate.core.admin.AccountCredentials;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.Lockdown;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.admin.TenantCreation;
import io.vaultgate.core.admin.TenantSettings;
import io.vaultgate.core.admin.TenantShredding;
import java.util.Objects;

/**
 * The core's administrative services the admin API calls ({@link #of}). Each call acts as the authenticated
 * administrator ({@code actor} {@code admin:<name>} in the audit log), never as the CLI.
 */
public record AdminServices(Administration administration, SiteAdministration sites, KeyRotation keys, Lockdown lockdown,
                            TenantShredding shredding, Offboarding offboarding, SiteRemoval siteRemoval,
                            String actor) {

    public AdminServices {
        Objects.requireNonNull(administration, "administration");
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(lockdown, "lockdown");
        Objects.requireNonNull(shredding, "shredding");
        Objects.requireNonNull(offboarding, "offboarding");
        Objects.requireNonNull(siteRemoval, "siteRemoval");
        Objects.requireNonNull(actor, "actor");
    }

    /** The core's services, acting as {@code admin} until {@link #as} names the caller. */
    public static AdminServices of(GatewayCore core) {
        return new AdminServices(core.administration(), core.sites(), core.keyRotation(), core.incidents().lockdown(),
                core.tenantShredding(), core.incidents().offboarding(), core.incidents().siteRemoval(), "admin");
    }

    /** The services acting as {@code actor}. */
    AdminServices as(String actor) {
        return new AdminServices(administration.as(actor), sites.as(actor), keys.as(actor), lockdown, shredding,
                offboarding, siteRemoval, actor);
    }

    TenantCreation tenantCreation() {
        return administration.tenantCreation();
    }

    TenantSettings tenants() {
        return administration.tenantSettings();
    }

    AccountCreation accounts() {
        return administration.accountCreation();
    }

    AccountCredentials credentials() {
        return administration.accountCredentials();
    }
}
