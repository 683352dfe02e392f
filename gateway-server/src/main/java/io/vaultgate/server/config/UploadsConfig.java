package io.vaultgate.server.config;

import java.time.Duration;

/**
 * Upload handling shared by all front-ends ({@code uploads.*}).
 *
 * @param partialExpiry  an interrupted upload stays resumable for this long, then is swept
 * @param reorderWindow  how far ahead of the next expected offset out-of-order writes are buffered per
 *                       upload (rounded up to whole 64 KiB segments); bounds memory per transfer
 * @param reorderMemory  what all uploads together may hold of such early writes (whole segments); bounds the
 *                       process, which per-upload windows times handles times sessions would not
 * @param reorderMemoryPerTenant what the uploads of one tenant may hold of it together: a percentage of
 *                       {@code reorderMemory} (25% unless set) or a size, from one segment to all of it; keeps one
 *                       tenant from holding all of it and failing the others' out-of-order uploads
 */
public record UploadsConfig(Duration partialExpiry, DataSize reorderWindow, DataSize reorderMemory,
        Share reorderMemoryPerTenant) {

    /** A quarter: four tenants can each hold their whole share at once. */
    public static final Share DEFAULT_PER_TENANT = Share.percent(25);
    private static final DataSize SEGMENT = DataSize.ofKibibytes(64);

    public UploadsConfig {
        Require.between("uploads.partial-expiry", partialExpiry, Duration.ofMinutes(1), Duration.ofDays(365));
        Require.between("uploads.reorder-window", reorderWindow, DataSize.ofKibibytes(64),
                DataSize.ofMebibytes(256));
        Require.between("uploads.reorder-memory", reorderMemory, reorderWindow, DataSize.ofGibibytes(16));
        Require.present("uploads.reorder-memory-per-tenant", reorderMemoryPerTenant);
        DataSize share = reorderMemoryPerTenant.partOf(reorderMemory);
        if (share.compareTo(SEGMENT) < 0 || share.compareTo(reorderMemory) > 0) {
            throw new ConfigException("uploads.reorder-memory-per-tenant", reorderMemoryPerTenant
                    + (reorderMemoryPerTenant.size() == null ? " of uploads.reorder-memory (" + reorderMemory
                    + ") is " + share : "") + ", not between one segment (" + SEGMENT + ") and uploads.reorder-memory ("
                    + reorderMemory + ")", "give a percentage such as 25% or a size from " + SEGMENT + " to "
                    + reorderMemory);
        }
    }

    /** With the default share per tenant, a quarter of {@code reorderMemory}. */
    public UploadsConfig(Duration partialExpiry, DataSize reorderWindow, DataSize reorderMemory) {
        this(partialExpiry, reorderWindow, reorderMemory, DEFAULT_PER_TENANT);
    }

    /** The bytes the uploads of one tenant may hold together of the reorder memory. */
    public long reorderMemoryPerTenantBytes() {
        return reorderMemoryPerTenant.partOf(reorderMemory).bytes();
    }

    /** The share of one tenant for the start-up log: {@code 16MiB} when set as a size, {@code 25% = 16MiB} if not. */
    public String describePerTenant() {
        DataSize share = reorderMemoryPerTenant.partOf(reorderMemory);
        return reorderMemoryPerTenant.size() != null ? share.toString() : reorderMemoryPerTenant + " = " + share;
    }

    /** The reorder window in whole segments of {@code segmentBytes}, rounded up (4MiB of 64KiB = 64). */
    public int reorderWindowSegments(int segmentBytes) {
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("segment size must be positive: " + segmentBytes);
        }
        return (int) Math.min(Integer.MAX_VALUE, (reorderWindow.bytes() + segmentBytes - 1) / segmentBytes);
    }

    public static UploadsConfig defaults() {
        return new UploadsConfig(Duration.ofHours(24), DataSize.ofMebibytes(4), DataSize.ofMebibytes(64));
    }
}
