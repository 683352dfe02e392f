package io.vaultgate.https.admin;

import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.Lockdown;
import io.vaultgate.core.admin.SiteAdministration;
import java.util.Objects;

/**
 * The core's administrative services the admin API calls: {@code new AdminServices(core.administration(),
 * core.sites(), core.keyRotation(), core.incidents().lockdown())}. Each call acts as the authenticated
 * administrator ({@code actor} {@code admin:<name>} in the audit log), never as the CLI.
 */
public record AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys, Lockdown lockdown,
                            String actor) {

    public AdminServices {
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(lockdown, "lockdown");
        Objects.requireNonNull(actor, "actor");
    }

    public AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys, Lockdown lockdown) {
        this(tenants, sites, keys, lockdown, "admin");
    }

    /** The services acting as {@code actor}. */
    AdminServices as(String actor) {
        return new AdminServices(tenants.as(actor), sites.as(actor), keys.as(actor), lockdown, actor);
    }
}
