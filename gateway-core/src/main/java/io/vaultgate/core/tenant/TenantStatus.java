package io.vaultgate.core.tenant;

/**
 * Whether a tenant's principals may log in and move data. {@code SHREDDED} is final: the tenant was offboarded by
 * crypto-shredding ({@link io.vaultgate.core.admin.TenantShredding}); like {@code LOCKED} it is not active, and
 * nothing (unlock, lockdown, tenant changes) takes it out of that state.
 */
public enum TenantStatus {
    ACTIVE, LOCKED, SHREDDED
}
