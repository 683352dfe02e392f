package io.vaultgate.core.audit;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** The checks every {@link AuditEvent} shares. */
final class EventChecks {

    private EventChecks() {
    }

    /** Checks time, tenant and actor; returns the time truncated to the catalog's millisecond precision. */
    static Instant common(Instant at, Optional<TenantId> tenant, String actor) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tenant, "tenant (use Optional.empty() for gateway-wide events)");
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("an audit event needs an actor");
        }
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    /** As {@link #common}, for events that always belong to a tenant. */
    static Instant scoped(Instant at, Optional<TenantId> tenant, String actor) {
        Instant checked = common(at, tenant, actor);
        if (tenant.isEmpty()) {
            throw new IllegalArgumentException("this audit event belongs to a tenant; none was given");
        }
        return checked;
    }

    /** Checks up to three named detail values are present (pass {@code "", ""} for unused slots). */
    static void present(Object a, String aName, Object b, String bName, Object c, String cName) {
        Objects.requireNonNull(a, aName);
        Objects.requireNonNull(b, bName);
        Objects.requireNonNull(c, cName);
    }
}
