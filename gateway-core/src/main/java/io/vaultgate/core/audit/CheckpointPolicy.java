package io.vaultgate.core.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When the audit log signs a checkpoint: once {@code everyEvents} records have been appended since the
 * last one, or on the first append (or {@link CatalogAuditLog#checkpointIfDue()} call) once
 * {@code everyInterval} has passed since it.
 */
public record CheckpointPolicy(int everyEvents, Duration everyInterval) {

    public CheckpointPolicy {
        if (everyEvents < 1) {
            throw new IllegalArgumentException("checkpoints must come at least every 1 event, got " + everyEvents);
        }
        Objects.requireNonNull(everyInterval, "everyInterval");
        if (everyInterval.isNegative() || everyInterval.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval must be positive, got " + everyInterval);
        }
    }

    /** A checkpoint every 1000 events or 5 minutes, whichever comes first. */
    public static CheckpointPolicy defaults() {
        return new CheckpointPolicy(1000, Duration.ofMinutes(5));
    }
}
