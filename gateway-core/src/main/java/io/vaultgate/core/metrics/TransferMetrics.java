package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.ingest.Upload;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Meters transfers from start to end. The ingest service announces an upload when it opens it
 * ({@link #beginUpload}) and wraps it so bytes are counted as they arrive ({@link #metered}); the upload
 * ledger, which alone knows how every upload really ended, reports the end ({@link #ended}). Transfers in
 * progress are kept here, keyed by file id, for the status page.
 */
public final class TransferMetrics {

    static final String IN = "in";
    static final String UNKNOWN = "unknown";
    private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};
    private static final double[] SIZE_BUCKETS = {1024, 64 * 1024, 1 << 20, 16 << 20, 128 << 20, 1L << 30,
            8L << 30, 64L << 30};

    private final MeterRegistry registry;
    private final TenantLabels tenants;
    private final Clock clock;
    private final Map<String, InFlightTransfer> inFlight = new ConcurrentHashMap<>();

    TransferMetrics(MeterRegistry registry, TenantLabels tenants, Clock clock) {
        this.registry = registry;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** An upload of {@code file} by {@code principal} starts now, continuing from {@code file.size()}. */
    public void beginUpload(FileRecord file, Principal principal) {
        String protocol = protocolOf(principal);
        String tenant = tenants.of(file.tenant());
        Counter bytes = Counter.builder(GatewayMetrics.TRANSFER_BYTES.name())
                .description(GatewayMetrics.TRANSFER_BYTES.description()).baseUnit("bytes")
                .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, IN, GatewayMetrics.TENANT, tenant)
                .register(registry);
        inFlight.put(file.id(), new InFlightTransfer(InFlightTransfer.identity(file.id(), file.tenant().value(),
                principal.name(), protocol, IN, file.path().toString(), clock.instant(), file.size()), tenant,
                registry.config().clock().monotonicTime(), bytes));
        Counter.builder(GatewayMetrics.TRANSFERS_STARTED.name())
                .description(GatewayMetrics.TRANSFERS_STARTED.description())
                .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, IN, GatewayMetrics.TENANT, tenant)
                .register(registry).increment();
    }

    /** {@code upload}, counting the bytes written to it; it must have been announced by {@link #beginUpload}. */
    public Upload metered(Upload upload) {
        InFlightTransfer transfer = inFlight.get(upload.fileId());
        return transfer == null ? upload : new MeteredUpload(upload, transfer::add);
    }

    /** The upload of {@code file} ended; {@code size} is the plaintext size kept (committed or partial). */
    public void ended(FileRecord file, TransferOutcome outcome, long size) {
        InFlightTransfer transfer = inFlight.remove(file.id());
        String protocol = transfer == null ? UNKNOWN : transfer.protocol();
        String tenant = transfer == null ? tenants.of(file.tenant()) : transfer.tenantLabel();
        Counter.builder(GatewayMetrics.TRANSFERS.name()).description(GatewayMetrics.TRANSFERS.description())
                .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, IN,
                        GatewayMetrics.OUTCOME, outcome.label(), GatewayMetrics.TENANT, tenant)
                .register(registry).increment();
        if (transfer != null) {
            Timer.builder(GatewayMetrics.TRANSFER_DURATION.name())
                    .description(GatewayMetrics.TRANSFER_DURATION.description())
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, IN,
                            GatewayMetrics.OUTCOME, outcome.label())
                    .register(registry)
                    .record(registry.config().clock().monotonicTime() - transfer.startNanos(), TimeUnit.NANOSECONDS);
        }
        if (outcome == TransferOutcome.COMMITTED) {
            DistributionSummary.builder(GatewayMetrics.TRANSFER_SIZE.name())
                    .description(GatewayMetrics.TRANSFER_SIZE.description()).baseUnit("bytes")
                    .serviceLevelObjectives(SIZE_BUCKETS)
                    .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, IN)
                    .register(registry).record(size);
        }
    }

    /** Transfers in progress, oldest first. */
    public List<TransferSnapshot> inProgress() {
        return inFlight.values().stream().map(InFlightTransfer::snapshot)
                .sorted(Comparator.comparing(TransferSnapshot::startedAt)).toList();
    }

    /** The {@code protocol} label of a principal: its front-end, or {@code none} for an administrator. */
    static String protocolOf(Principal principal) {
        if (principal instanceof ClientPrincipal client) {
            return client.protocol().name().toLowerCase(Locale.ROOT);
        }
        if (principal instanceof OperatorPrincipal operator) {
            return operator.protocol().name().toLowerCase(Locale.ROOT);
        }
        return "none";
    }
}
