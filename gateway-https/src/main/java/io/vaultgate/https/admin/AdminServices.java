package io.vaultgate.https.admin;

import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.Lockdown;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.admin.TenantShredding;
import java.util.Objects;
import java.util.Optional;

/**
 * The core's administrative services the admin API calls: {@code new AdminServices(core.administration(),
 * core.sites(), core.keyRotation(), core.incidents().lockdown())}. Each call acts as the authenticated
 * administrator ({@code actor} {@code admin:<name>} in the audit log), never as the CLI. Offboarding by
 * crypto-shredding answers 503 unless {@link #withShredding} gave it {@code core.tenantShredding()}.
 */
public record AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys, Lockdown lockdown,
                            String actor, Optional<TenantShredding> shredding) {

    public AdminServices {
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(lockdown, "lockdown");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(shredding, "shredding");
    }

    public AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys, Lockdown lockdown,
                         String actor) {
        this(tenants, sites, keys, lockdown, actor, Optional.empty());
    }

    /** The same services, able to offboard tenants ({@code POST /v1/admin/tenants/{tenant}/shred}). */
    public AdminServices withShredding(TenantShredding tenantShredding) {
        return new AdminServices(tenants, sites, keys, lockdown, actor, Optional.of(tenantShredding));
    }

    public AdminServices(Administration tenants, SiteAdministration sites, KeyRotation keys, Lockdown lockdown) {
        this(tenants, sites, keys, lockdown, "admin");
    }

    /** The services acting as {@code actor}. */
    AdminServices as(String actor) {
        return new AdminServices(tenants.as(actor), sites.as(actor), keys.as(actor), lockdown, actor, shredding);
    }
}
