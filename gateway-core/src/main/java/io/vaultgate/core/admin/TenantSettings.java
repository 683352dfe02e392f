package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A tenant's settings as administrators read and change them: quota, largest file, retention, status (lock and
 * unlock), password login and allowed source networks. Each change is one transaction under the tenant's row lock,
 * audited; a shredded tenant is refused.
 */
public final class TenantSettings {

    private final AdminWrites writes;
    private final TenantPasswordLogin passwordLogin;

    TenantSettings(AdminWrites writes) {
        this.writes = writes;
        this.passwordLogin = writes.passwordLogin();
    }

    public Optional<Tenant> tenant(TenantId id) {
        return writes.database().read(jdbc -> writes.tenants().find(jdbc, id));
    }

    public List<Tenant> tenants() {
        return writes.database().read(writes.tenants()::list);
    }

    public Tenant setQuota(TenantId id, Quota quota) {
        return updateTenant(id, tenant -> tenant.withQuota(quota));
    }

    /** @param bytes the largest file the tenant's principals may upload; 0 for no limit of the tenant's own */
    public Tenant setMaxFileSize(TenantId id, long bytes) {
        return updateTenant(id, tenant -> tenant.withMaxFileSize(bytes));
    }

    public Tenant setRetention(TenantId id, Duration retention) {
        return updateTenant(id, tenant -> tenant.withRetention(retention));
    }

    /** Locks a tenant: its principals can no longer log in or move data. */
    public Tenant lock(TenantId id) {
        return updateTenant(id, tenant -> tenant.withStatus(TenantStatus.LOCKED));
    }

    public Tenant unlock(TenantId id) {
        return updateTenant(id, tenant -> tenant.withStatus(TenantStatus.ACTIVE));
    }

    /**
     * Allows or refuses password login for the tenant's accounts, audited once where it changes ({@link
     * TenantPasswordLogin#set}).
     *
     * @throws GatewayException {@code NOT_FOUND} for no such tenant, {@code CONFLICT} for a shredded one
     */
    public Tenant setPasswordLogin(TenantId id, boolean allowed) {
        return passwordLogin.set(id, allowed);
    }

    /** Restricts the tenant's logins to these networks; an empty list allows any address. */
    public Tenant setAllowedSources(TenantId id, List<Cidr> sources) {
        return updateTenant(id, tenant -> tenant.withAllowedSources(sources));
    }

    private Tenant updateTenant(TenantId id, UnaryOperator<Tenant> change) {
        return writes.database().inTransaction(jdbc -> {
            // read under the row's lock: the update writes the whole row from this read, and read without it on
            // PostgreSQL, a lockdown committed meanwhile by another node was written back as it was before
            Tenant tenant = writes.tenants().lockNamesReading(jdbc, id)
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
            tenant.refuseIfShredded("changed");
            Tenant changed = change.apply(tenant);
            writes.tenants().update(jdbc, changed);
            writes.audited(jdbc, Optional.of(id), changed.status() == tenant.status() ? AdminAction.TENANT_UPDATED
                    : changed.isActive() ? AdminAction.TENANT_UNLOCKED : AdminAction.TENANT_LOCKED, id.value());
            return changed;
        });
    }
}
