package io.vaultgate.core.testing;

import io.vaultgate.core.GatewayException;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Two changes started at the same moment on two threads, as two nodes would make them on a shared catalog. */
public final class Race {

    /** A change the core may refuse with a {@link GatewayException}. */
    @FunctionalInterface
    public interface Change {
        void run();
    }

    /** Whether the first and the second change succeeded (were not refused with a {@link GatewayException}). */
    public record Outcome(boolean first, boolean second) {
        /** Exactly one of them succeeded. */
        public boolean exactlyOne() {
            return first ^ second;
        }
    }

    private Race() {
    }

    public static Outcome run(Change first, Change second) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<Boolean>> outcomes = List.of(threads.submit(() -> succeeds(start, first)),
                    threads.submit(() -> succeeds(start, second)));
            return new Outcome(outcomes.get(0).get(30, TimeUnit.SECONDS), outcomes.get(1).get(30, TimeUnit.SECONDS));
        } finally {
            threads.shutdownNow();
        }
    }

    private static boolean succeeds(CyclicBarrier start, Change change) throws Exception {
        start.await(30, TimeUnit.SECONDS);
        try {
            change.run();
            return true;
        } catch (GatewayException e) {
            return false;
        }
    }
}
