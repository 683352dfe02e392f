package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.TransferSnapshot;
import java.time.Instant;
import java.util.List;

/**
 * What {@code /status.json} returns and the status page shows.
 *
 * @param activeUploads uploads in flight, as the core's upload gate counts them
 * @param transfers     transfers in progress, oldest first, with the bytes received so far
 * @param checks        the readiness checks
 */
public record StatusReport(String version, Instant now, Instant startedAt, int activeUploads,
                           List<TransferSnapshot> transfers, List<CheckResult> checks) {
    public StatusReport {
        transfers = List.copyOf(transfers);
        checks = List.copyOf(checks);
    }
}
