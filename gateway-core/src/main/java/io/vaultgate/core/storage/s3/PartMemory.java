package io.vaultgate.core.storage.s3;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes that part buffers of one store hold right now, and the most they ever held: the
 * store's whole memory cost for uploads, since a buffer is the only copy of data on its way to S3.
 */
final class PartMemory {

    private final AtomicLong current = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    void allocated(long bytes) {
        long now = current.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
    }

    void released(long bytes) {
        current.addAndGet(-bytes);
    }

    long current() {
        return current.get();
    }

    long peak() {
        return peak.get();
    }
}
