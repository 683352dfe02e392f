package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters transfers from start to end. Uploads: the ingest service announces one when it opens it
 * ({@link #beginUpload}) and wraps it so bytes are counted as they arrive ({@link #metered(Upload)}); the
 * upload ledger, which alone knows how every upload really ended, reports the end ({@link #ended}).
 * Downloads: {@link #metered(FileService)} wraps the file service, and an opened file counts its bytes and
 * ends when closed. Transfers in progress are kept here for the status page.
 */
public final class TransferMetrics {

    static final String IN = "in";
    static final String OUT = "out";
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
    private final AtomicLong downloads = new AtomicLong();
    private final RecentFailures failures = new RecentFailures();
    /**
     * The meters of each set of labels, built and registered once: building and registering five meters again for
     * every transfer (their tags sorted, their ids looked up, the timer's histogram configuration merged) was a
     * few percent of the CPU a small upload costs. Nothing removes meters from the registry.
     */
    private final Map<MeterKey, Object> meters = new ConcurrentHashMap<>();

    /**
     * A meter's name and labels ({@code ""} where the meter has no such label); {@code detail} is a transfer's outcome
     * or a refused write's bound.
     */
    private record MeterKey(String name, String protocol, String direction, String detail, String tenant) {
    }

    TransferMetrics(MeterRegistry registry, TenantLabels tenants, Clock clock) {
        this.registry = registry;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** The registry these meters are in, for meters of the upload path kept elsewhere (refused KEK versions). */
    public MeterRegistry registry() {
        return registry;
    }

    /** An upload of {@code file} by {@code principal} starts now, continuing from {@code file.size()}. */
    public void beginUpload(FileRecord file, Principal principal) {
        begin(file.id(), file.tenant(), principal, IN, file.path(), file.size(), -1);
    }

    /** {@code upload}, counting the bytes written to it; it must have been announced by {@link #beginUpload}. */
    public Upload metered(Upload upload) {
        InFlightTransfer transfer = inFlight.get(upload.fileId());
        return transfer == null ? upload : new MeteredUpload(upload, transfer, this);
    }

    /** The upload of {@code file} ended; {@code size} is the plaintext size kept (committed or partial). */
    public void ended(FileRecord file, TransferOutcome outcome, long size) {
        InFlightTransfer transfer = inFlight.remove(file.id());
        if (transfer == null) {
            count(UNKNOWN, IN, outcome, tenants.of(file.tenant()));
        } else {
            end(transfer, outcome, size);
        }
    }

    /** A write of {@code transfer} arrived ahead of a gap and was refused: the memory of {@code bound} was in use. */
    void reorderRefused(InFlightTransfer transfer, ReorderMemoryFull.Bound bound) {
        String label = bound.name().toLowerCase(Locale.ROOT);
        Counter refused = meter(new MeterKey(GatewayMetrics.UPLOADS_REORDER_REFUSED.name(), transfer.protocol(), "",
                label, transfer.tenantLabel()), key -> Counter.builder(key.name())
                        .description(GatewayMetrics.UPLOADS_REORDER_REFUSED.description())
                        .tags(GatewayMetrics.PROTOCOL, transfer.protocol(), GatewayMetrics.BOUND, label,
                                GatewayMetrics.TENANT, transfer.tenantLabel())
                        .register(registry));
        refused.increment();
    }

    /** {@code files}, with every opened file metered as a download. */
    public FileService metered(FileService files) {
        return new MeteredFileService(files, this);
    }

    InFlightTransfer beginDownload(Principal principal, VirtualPath path, String fileId, long size) {
        return begin(fileId + "#" + downloads.incrementAndGet(), tenantOf(principal, path), principal, OUT, path, 0,
                size);
    }

    void endDownload(InFlightTransfer transfer, TransferOutcome outcome, long size) {
        if (inFlight.remove(transfer.id()) != null) {
            end(transfer, outcome, size);
        }
    }

    /** Transfers in progress, oldest first. */
    public List<TransferSnapshot> inProgress() {
        return inFlight.values().stream().map(InFlightTransfer::snapshot)
                .sorted(Comparator.comparing(TransferSnapshot::startedAt)).toList();
    }

    /** The last {@value RecentFailures#CAPACITY} transfers that ended {@code failed}, newest first. */
    public List<FailedTransfer> recentFailures() {
        return failures.newestFirst();
    }

    private InFlightTransfer begin(String id, TenantId tenant, Principal principal, String direction,
                                   VirtualPath path, long offset, long size) {
        String protocol = protocolOf(principal);
        String label = tenant == null ? UNKNOWN : tenants.of(tenant);
        Counter bytes = meter(new MeterKey(GatewayMetrics.TRANSFER_BYTES.name(), protocol, direction, "", label),
                key -> Counter.builder(key.name()).description(GatewayMetrics.TRANSFER_BYTES.description())
                        .baseUnit("bytes").tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, direction,
                                GatewayMetrics.TENANT, label)
                        .register(registry));
        InFlightTransfer transfer = new InFlightTransfer(new TransferSnapshot(id,
                tenant == null ? UNKNOWN : tenant.value(), principal.name(), protocol, direction, path.toString(),
                clock.instant(), offset, 0, size), label, registry.config().clock().monotonicTime(), bytes);
        inFlight.put(id, transfer);
        Counter started = meter(new MeterKey(GatewayMetrics.TRANSFERS_STARTED.name(), protocol, direction, "", label),
                key -> Counter.builder(key.name()).description(GatewayMetrics.TRANSFERS_STARTED.description())
                        .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, direction,
                                GatewayMetrics.TENANT, label)
                        .register(registry));
        started.increment();
        return transfer;
    }

    private void end(InFlightTransfer transfer, TransferOutcome outcome, long size) {
        if (outcome == TransferOutcome.FAILED) {
            failures.add(transfer.snapshot(), clock.instant());
        }
        String protocol = transfer.protocol();
        String direction = transfer.direction();
        count(protocol, direction, outcome, transfer.tenantLabel());
        Timer duration = meter(new MeterKey(GatewayMetrics.TRANSFER_DURATION.name(), protocol, direction,
                outcome.label(), ""), key -> Timer.builder(key.name())
                        .description(GatewayMetrics.TRANSFER_DURATION.description())
                        .serviceLevelObjectives(DURATION_BUCKETS)
                        .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, direction,
                                GatewayMetrics.OUTCOME, outcome.label())
                        .register(registry));
        duration.record(registry.config().clock().monotonicTime() - transfer.startNanos(), TimeUnit.NANOSECONDS);
        if (outcome == TransferOutcome.COMMITTED || outcome == TransferOutcome.COMPLETED) {
            DistributionSummary sizes = meter(new MeterKey(GatewayMetrics.TRANSFER_SIZE.name(), protocol, direction,
                    "", ""), key -> DistributionSummary.builder(key.name())
                            .description(GatewayMetrics.TRANSFER_SIZE.description()).baseUnit("bytes")
                            .serviceLevelObjectives(SIZE_BUCKETS)
                            .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, direction)
                            .register(registry));
            sizes.record(size);
        }
    }

    private void count(String protocol, String direction, TransferOutcome outcome, String tenantLabel) {
        Counter transfers = meter(new MeterKey(GatewayMetrics.TRANSFERS.name(), protocol, direction, outcome.label(),
                tenantLabel), key -> Counter.builder(key.name()).description(GatewayMetrics.TRANSFERS.description())
                        .tags(GatewayMetrics.PROTOCOL, protocol, GatewayMetrics.DIRECTION, direction,
                                GatewayMetrics.OUTCOME, outcome.label(), GatewayMetrics.TENANT, tenantLabel)
                        .register(registry));
        transfers.increment();
    }

    /** The meter of {@code key}, registered by {@code register} the first time. */
    @SuppressWarnings("unchecked")
    private <M> M meter(MeterKey key, java.util.function.Function<MeterKey, M> register) {
        return (M) meters.computeIfAbsent(key, register);
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

    /** A client's own tenant; for an operator, the tenant its batch paths start with. */
    private static TenantId tenantOf(Principal principal, VirtualPath path) {
        if (principal instanceof ClientPrincipal client) {
            return client.tenant();
        }
        try {
            return TenantId.of(path.area());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
