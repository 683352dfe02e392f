package io.vaultgate.core.forward;

import java.time.Duration;

/**
 * Tunables of the forwarder.
 *
 * @param workers forwards in flight at once on this node, all sites together
 * @param lease how long a claimed job belongs to this node; it must exceed the longest transfer, since an
 *     expired lease lets another worker start the same job (the receiver's deduplication keeps that safe)
 * @param pollInterval how often due jobs are looked for
 * @param connectTimeout TCP and TLS connect timeout
 * @param requestTimeout the answer's timeout for an empty file; it grows by one second per
 *     {@code minBytesPerSecond} of file
 */
public record ForwarderSettings(int workers, Duration lease, Duration pollInterval, Duration connectTimeout,
                                Duration requestTimeout, long minBytesPerSecond) {

    public ForwarderSettings {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("forwarding.workers must be 1..1024, got " + workers);
        }
        positive("forwarding.lease", lease);
        positive("forwarding.poll-interval", pollInterval);
        positive("forwarding.connect-timeout", connectTimeout);
        positive("forwarding.request-timeout", requestTimeout);
        if (minBytesPerSecond < 1) {
            throw new IllegalArgumentException("forwarding.min-bytes-per-second must be positive");
        }
    }

    /** 8 workers, 1 hour lease, poll every 2 s, 10 s connect, 60 s + 1 s per 256 KiB. */
    public static ForwarderSettings defaults() {
        return new ForwarderSettings(8, Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(60), 256 * 1024);
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
