package io.vaultgate.core.node;

import java.time.Duration;
import java.time.Instant;

/**
 * A node as the catalog knows it: its current incarnation, when that started, when it last beat, how long it has
 * been silent since (all by the catalog's clock, which every node shares), and how many uploads it is streaming
 * (rows in state UPLOADING that carry its id).
 */
public record NodeStatus(String id, String incarnation, Instant startedAt, Instant lastSeen, Duration silence,
                         long uploading) {

    /** Whether the node beat within {@code settings.deadAfter()}. */
    public boolean alive(NodeSettings settings) {
        return silence.compareTo(settings.deadAfter()) < 0;
    }
}
