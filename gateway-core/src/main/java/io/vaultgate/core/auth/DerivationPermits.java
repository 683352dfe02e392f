package io.vaultgate.core.auth;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the password checks running at once: each is an Argon2id derivation holding about 19 MiB, and login
 * attempts arrive before anyone is authenticated, from as many threads as the front-ends run. A check that finds
 * every permit taken waits {@code wait} at most, then is refused, rather than queue without bound.
 */
final class DerivationPermits {

    private final Semaphore permits;
    private final Duration wait;

    DerivationPermits(int count, Duration wait) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one concurrent password check, got " + count);
        }
        this.permits = new Semaphore(count, true);
        this.wait = wait;
    }

    /** One check per processor (at least two), waiting a second at most for a free one. */
    static DerivationPermits forThisMachine() {
        return new DerivationPermits(Math.max(2, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(1));
    }

    /** Takes a permit, waiting {@code wait} at most; false when none came free (or the thread was interrupted). */
    boolean acquire() {
        try {
            return permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void release() {
        permits.release();
    }
}
