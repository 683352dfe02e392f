package io.vaultgate.core.node;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who this process is among the gateway nodes sharing a catalog, and how it shows that it lives: its
 * {@code id} is written on every upload it opens; while it runs it beats every {@code heartbeat}; a node
 * whose last beat is older than {@code deadAfter} is dead, and another node recovers its uploads.
 * {@code deadAfter} must be well above the clock difference between nodes (keep them on NTP).
 */
public record NodeSettings(String id, Duration heartbeat, Duration deadAfter) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(20);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public NodeSettings {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a node id is 1 to 64 letters, digits, '.', '_' or '-', got \""
                    + id + "\"");
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the node heartbeat must be positive, got " + heartbeat);
        }
        if (deadAfter.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("a node is presumed dead only after at least three missed "
                    + "heartbeats; dead-after " + deadAfter + " is below 3 x " + heartbeat);
        }
    }

    /** Node {@code id} with the default heartbeat and dead-after time. */
    public static NodeSettings of(String id) {
        return new NodeSettings(id, DEFAULT_HEARTBEAT, DEFAULT_DEAD_AFTER);
    }

    /**
     * An id of this process alone ({@code process-} and 8 random bytes), for a core that never joins a cluster
     * (admin commands, tests): after it ends, the uploads it left are recovered by the next start of any node.
     */
    public static NodeSettings ofProcess() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return of("process-" + HexFormat.of().formatHex(bytes));
    }

    /** The same node with other timing. */
    public NodeSettings withTiming(Duration heartbeat, Duration deadAfter) {
        return new NodeSettings(id, heartbeat, deadAfter);
    }
}
