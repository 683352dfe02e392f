package io.vaultgate.core.node;

/**
 * Takes over what a dead node left: its live uploads (into resumable partials) and its forwarding leases.
 * Every live node runs it, each heartbeat, for each node silent longer than the dead-after time; the steps
 * hand each row over with a compare-and-set, so two nodes never take the same thing.
 */
@FunctionalInterface
public interface DeadNodeRecovery {

    /** One pass over node {@code node}, known dead; returns how many uploads and jobs it took over. */
    int recover(String node);
}
