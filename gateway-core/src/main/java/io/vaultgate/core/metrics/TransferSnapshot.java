package io.vaultgate.core.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * A transfer in progress, as the status page shows it: who, which file, how far and since when.
 *
 * @param transferId  the file id of an upload; the file id and a sequence number for a download
 * @param direction   {@code in} (upload) or {@code out} (download)
 * @param offset      plaintext bytes already stored when the transfer started (non-zero for a resumed upload)
 * @param bytes       plaintext bytes moved so far in this transfer
 * @param size        the file's full plaintext size when known (downloads), else -1 (an upload's final size
 *                    is known only at its end)
 */
public record TransferSnapshot(String transferId, String tenant, String principal, String protocol,
                               String direction, String path, Instant startedAt, long offset, long bytes, long size) {
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
