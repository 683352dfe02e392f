package io.vaultgate.core.tenant;

/** Whether a tenant's principals may log in and move data. */
public enum TenantStatus {
    ACTIVE, LOCKED
}
