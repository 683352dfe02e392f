package io.vaultgate.core.audit;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Which events an export shows in full: those in {@code [since, until)}, of one tenant and/or actor if given. */
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

    boolean shows(AuditRecord record) {
        return !record.occurredAt().isBefore(since) && record.occurredAt().isBefore(until)
                && tenant.map(t -> record.tenant().equals(Optional.of(t.value()))).orElse(true)
                && actor.map(record.actor()::equals).orElse(true);
    }
}
