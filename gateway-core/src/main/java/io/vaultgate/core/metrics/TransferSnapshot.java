package io.vaultgate.core.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * A transfer in progress, as the status page shows it: who, which file, how far and since when.
 *
 * @param transferId  the file id of the upload
 * @param principal   the login name
 * @param offset      plaintext bytes already stored when the transfer started (non-zero for a resume)
 * @param bytes       plaintext bytes received so far in this transfer
 */
public record TransferSnapshot(String transferId, String tenant, String principal, String protocol,
                               String direction, String path, Instant startedAt, long offset, long bytes) {
    public TransferSnapshot {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
