package io.vaultgate.core.forward;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how late a failed forward is tried again: exponential backoff from {@code initialDelay},
 * doubling per attempt up to {@code maxDelay}, with "equal jitter" (a random point in the upper half of
 * the delay) so that a site coming back is not hit by every job at the same instant. After
 * {@code maxAttempts} failed attempts the job is dead.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("forwarding.max-attempts must be at least 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("forwarding retry delays must be positive with max >= initial, got "
                    + initialDelay + " and " + maxDelay);
        }
    }

    /** Ten attempts, from 5 seconds up to 30 minutes apart (about 1.5 hours in all). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofSeconds(5), Duration.ofMinutes(30));
    }

    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** The delay before attempt {@code attempts + 1}, in [d/2, d] where d = min(max, initial * 2^(attempts-1)). */
    public Duration delayAfter(int attempts, RandomGenerator random) {
        long initial = initialDelay.toMillis();
        int doublings = Math.min(Math.max(attempts - 1, 0), 40);
        long ceiling = Math.min(maxDelay.toMillis(), initial > (Long.MAX_VALUE >> doublings)
                ? Long.MAX_VALUE : initial << doublings);
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }
}
