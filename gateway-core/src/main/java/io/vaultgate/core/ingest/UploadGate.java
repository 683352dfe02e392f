package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.time.Duration;

/**
 * Counts uploads in flight and, once draining, refuses new ones, so a shutdown can let running transfers
 * finish within a grace period without taking more.
 */
public final class UploadGate {

    private int active;
    private boolean draining;

    synchronized void enter() {
        if (draining) {
            throw new GatewayException(Reason.UNAVAILABLE, "the gateway is shutting down; retry shortly");
        }
        active++;
    }

    synchronized void leave() {
        active--;
        notifyAll();
    }

    public synchronized int active() {
        return active;
    }

    /** Refuses new uploads and waits up to {@code grace} for the running ones; true if all finished. */
    public synchronized boolean drain(Duration grace) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (active > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
