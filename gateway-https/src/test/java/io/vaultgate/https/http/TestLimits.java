package io.vaultgate.https.http;

import io.vaultgate.core.auth.AccessControl;
import java.util.function.LongSupplier;

/** Builds a {@link ConnectionLimit} on a test's own clock, for tests outside its package. */
public final class TestLimits {

    private TestLimits() {
    }

    /**
     * A limit whose waits count in {@code clock} (nanoseconds, as {@link System#nanoTime}), so a test advances time
     * instead of sleeping past {@link ConnectionLimit#EVICTABLE_AFTER}.
     */
    public static ConnectionLimit withClock(int maxPerAddress, AccessControl access, Runnable refused, Runnable evicted,
                                            LongSupplier clock) {
        return new ConnectionLimit(maxPerAddress, access, refused, evicted, clock);
    }
}
