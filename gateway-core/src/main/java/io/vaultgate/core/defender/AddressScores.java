package io.vaultgate.core.defender;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Points scored by each source address over a sliding window, in memory on this node. Bounded: at most
 * {@code maxAddresses} addresses are tracked; when full, the scores are dropped and start again (an
 * attacker spraying addresses gains nothing a new address would not give it anyway).
 */
final class AddressScores {

    private record Hit(Instant at, int points) {
    }

    private final Duration window;
    private final int maxAddresses;
    private final Map<String, Deque<Hit>> hits = new ConcurrentHashMap<>();

    AddressScores(Duration window, int maxAddresses) {
        this.window = window;
        this.maxAddresses = maxAddresses;
    }

    /** Adds {@code points} for {@code address} at {@code now}; returns its total within the window. */
    int add(String address, int points, Instant now) {
        if (hits.size() >= maxAddresses && !hits.containsKey(address)) {
            hits.clear();
        }
        Deque<Hit> list = hits.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (list) {
            list.addLast(new Hit(now, points));
            Instant start = now.minus(window);
            while (!list.isEmpty() && list.peekFirst().at().isBefore(start)) {
                list.removeFirst();
            }
            return list.stream().mapToInt(Hit::points).sum();
        }
    }

    void clear(String address) {
        hits.remove(address);
    }
}
