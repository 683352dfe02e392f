package io.vaultgate.core.node;

import java.time.Instant;

/**
 * A node as the catalog knows it: its current incarnation, when that started, when it last beat, and how many
 * uploads it is streaming (rows in state UPLOADING that carry its id).
 */
public record NodeStatus(String id, String incarnation, Instant startedAt, Instant lastSeen, long uploading) {

    /** Whether the node beat within {@code settings.deadAfter()} before {@code now}. */
    public boolean aliveAt(Instant now, NodeSettings settings) {
        return lastSeen.isAfter(now.minus(settings.deadAfter()));
    }
}
