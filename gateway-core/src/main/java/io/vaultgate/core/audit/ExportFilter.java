package io.vaultgate.core.audit;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an export covers: the records from the first to the last that fall in {@code [since, until)} and
 * match the tenant and actor (if given), extended to the next signed checkpoint. Within that span it shows
 * in full every record of the tenant and actor, so a tenant export hides none of the tenant's records there.
 */
public record ExportFilter(Instant since, Instant until, Optional<TenantId> tenant, Optional<String> actor) {

    public ExportFilter {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(actor, "actor");
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("the export's start (" + since + ") must be before its end (" + until + ")");
        }
    }

    /** True if {@code at} lies in {@code [since, until)}. */
    public boolean covers(Instant at) {
        return !at.isBefore(since) && at.isBefore(until);
    }

    boolean shows(AuditRecord record) {
        return tenant.map(t -> record.tenant().equals(Optional.of(t.value()))).orElse(true)
                && actor.map(record.actor()::equals).orElse(true);
    }
}
