package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tenants whose key-encryption key was last rotated (or, never rotated, created) longer ago than
 * {@code keys.max-kek-age}. Rotation times come from the audit log's {@code key.operation ROTATE} events.
 */
final class KeyRotationAge implements Check {

    static final String NAME = "key-rotation";

    @Override
    public List<Finding> run(DoctorContext context) {
        Duration limit = context.config().keys().maxKekAge();
        if (limit.isZero()) {
            return List.of();
        }
        Instant now = context.clock().instant();
        List<Finding> findings = new ArrayList<>();
        for (Tenant tenant : context.database().read(new TenantRepository()::list)) {
            if (tenant.status() == TenantStatus.SHREDDED) {
                continue; // its keys are destroyed for good: nothing to rotate
            }
            long rotated = context.database().read(jdbc -> jdbc.count("SELECT COALESCE(MAX(occurred_at), 0) FROM "
                    + "audit_events WHERE tenant_id = ? AND kind = 'key.operation' AND event LIKE ?",
                    tenant.id().value(), "%\"action\":\"ROTATE\"%"));
            Instant last = rotated == 0 ? tenant.createdAt() : Instant.ofEpochMilli(rotated);
            if (last.plus(limit).isBefore(now)) {
                findings.add(new Finding(NAME, "tenant " + tenant.id(), "key-encryption key not rotated since " + last
                        + ", longer than keys.max-kek-age", "run `vaultgate keys rotate --tenant " + tenant.id()
                        + " --rewrap`"));
            }
        }
        return findings;
    }
}
