package io.vaultgate.sftp.auth;

import java.util.HashMap;
import java.util.Map;

/**
 * How many MFA steps each source holds in the pool ({@link AuthSteps}): waiting for or held by a worker, taken when a
 * step is handed over and released when it ends, whatever its outcome. A source is a {@code SourceAddress.canonical}
 * key (an IPv4 address, an IPv6 /64). A source never holds more than its share, so that one source flooding MFA steps
 * refuses only its own. No entry is kept for a source holding none.
 *
 * <p>Not thread-safe: its owner ({@link FairStepQueue}) guards it with the lock that also guards the waiting steps,
 * since which step gives its place to which is decided from both at once.
 */
final class SourceShares {

    private final int share;
    private final Map<String, Integer> held = new HashMap<>();

    /** With each source holding {@code share} steps at most. */
    SourceShares(int share) {
        if (share < 1) {
            throw new IllegalArgumentException("a source's share of the MFA steps must be 1 or more: " + share);
        }
        this.share = share;
    }

    /** A source's share: the most steps it holds at once. */
    int share() {
        return share;
    }

    /** Counts a step of {@code source} unless it holds its share already; whether it was counted. */
    boolean take(String source) {
        int holds = held(source);
        if (holds >= share) {
            return false;
        }
        held.put(source, holds + 1);
        return true;
    }

    /** Gives back a step of {@code source}; nothing if it holds none. */
    void release(String source) {
        held.computeIfPresent(source, (key, holds) -> holds <= 1 ? null : holds - 1);
    }

    /** The steps {@code source} holds now. */
    int held(String source) {
        return held.getOrDefault(source, 0);
    }

    /** The sources holding a step now. */
    int sources() {
        return held.size();
    }

    /** Forgets every count (the pool stopped: no step still waiting will run). */
    void clear() {
        held.clear();
    }
}
