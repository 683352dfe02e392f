package io.vaultgate.core.metrics;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last {@value #CAPACITY} transfers that ended {@code failed}, newest first; bounded, so memory stays constant. */
final class RecentFailures {

    static final int CAPACITY = 20;

    private final Deque<FailedTransfer> failures = new ArrayDeque<>();

    synchronized void add(TransferSnapshot transfer, Instant failedAt) {
        failures.addFirst(new FailedTransfer(transfer, failedAt));
        while (failures.size() > CAPACITY) {
            failures.removeLast();
        }
    }

    synchronized List<FailedTransfer> newestFirst() {
        return List.copyOf(failures);
    }
}
