package io.vaultgate.core.metrics;

import io.vaultgate.core.tenant.Quota;

/**
 * Use of the quota under one tenant label, as the quota check counts it (every file, partials included).
 *
 * @param label      the tenant's metrics label (its id, {@code other} or {@code all})
 * @param quotaUsage the fuller of the two limits, 0 to 1 (beyond 1 when a lowered quota is already
 *                   exceeded); 0 when unlimited. Under a shared label, the fullest tenant's.
 */
record TenantUsage(String label, long bytes, long files, double quotaUsage) {

    static TenantUsage of(String label, long bytes, long files, Quota quota) {
        double byBytes = quota.maxBytes() > 0 ? (double) bytes / quota.maxBytes() : 0;
        double byFiles = quota.maxFiles() > 0 ? (double) files / quota.maxFiles() : 0;
        return new TenantUsage(label, bytes, files, Math.max(byBytes, byFiles));
    }

    /** Two tenants under one label: sizes add up, the fuller quota counts. */
    TenantUsage plus(TenantUsage other) {
        return new TenantUsage(label, bytes + other.bytes, files + other.files, Math.max(quotaUsage, other.quotaUsage));
    }
}
