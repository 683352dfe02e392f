package io.vaultgate.core.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * A transfer that ended {@code failed}, as the status page lists it: the transfer as it stood when it ended,
 * and when that was. Why it failed is in the logs and the audit, not here.
 */
public record FailedTransfer(TransferSnapshot transfer, Instant failedAt) {
    public FailedTransfer {
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
