package io.vaultgate.core.forward;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/** Work run on a helper thread beside a transfer, and awaited after it. */
final class Beside {

    private final ExecutorService helpers;

    Beside(ExecutorService helpers) {
        this.helpers = helpers;
    }

    /** Starts {@code work} on a helper thread; runs it here if the helpers are shut down. */
    Future<?> start(Runnable work) {
        try {
            return helpers.submit(work);
        } catch (RejectedExecutionException closing) {
            work.run();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Waits for {@code work} to end, uninterruptibly (its thread is not interrupted); rethrows what it threw. */
    static void await(Future<?> work) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    work.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
