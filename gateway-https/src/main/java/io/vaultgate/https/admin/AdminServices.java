package io.vaultgate.https.admin;

import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.SiteAdministration;
import java.util.Objects;

/**
 * The core's administrative services the admin API calls:
 * {@code new AdminServices(core.administration(), core.sites(), core.keyRotation())}. Each call acts as
 * the authenticated administrator ({@code admin:<name>} in the audit log), never as the CLI.
 */
public record AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys) {

    public AdminServices {
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(keys, "keys");
    }

    /** The services acting as {@code actor}. */
    AdminServices as(String actor) {
        return new AdminServices(tenants.as(actor), sites.as(actor), keys.as(actor));
    }
}
