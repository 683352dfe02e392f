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
 */
public record UploadsConfig(Duration partialExpiry, DataSize reorderWindow, DataSize reorderMemory) {

    public UploadsConfig {
        Require.between("uploads.partial-expiry", partialExpiry, Duration.ofMinutes(1), Duration.ofDays(365));
        Require.between("uploads.reorder-window", reorderWindow, DataSize.ofKibibytes(64),
                DataSize.ofMebibytes(256));
        Require.between("uploads.reorder-memory", reorderMemory, reorderWindow, DataSize.ofGibibytes(16));
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
