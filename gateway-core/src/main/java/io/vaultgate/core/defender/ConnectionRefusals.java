package io.vaultgate.core.defender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * A listener's count of connections closed for a connection cap, {@code vaultgate_<listener>_connections_refused_total}
 * by {@code reason}. Every reason is registered up front, so that a scrape shows 0 before the first refusal (the
 * alert rules take increases from there). One class for every listener, so that their reasons and behaviour agree.
 */
public final class ConnectionRefusals {

    /** Why a connection was refused; its metric tag is the lower-case name. */
    public enum Reason {
        /** The listener held its {@code <listener>.max-connections}, whoever opened the connections. */
        MAX_CONNECTIONS,
        /** The connection's source (an IPv4 address, an IPv6 client's /64) held its per-source cap. */
        MAX_CONNECTIONS_PER_SOURCE;

        /** The metric's {@code reason} tag. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final ConnectionRefusals NONE = new ConnectionRefusals(Map.of());

    private final Map<Reason, Counter> counters;

    private ConnectionRefusals(Map<Reason, Counter> counters) {
        this.counters = counters;
    }

    /**
     * The counters of {@code vaultgate.<listener>.connections.refused}, registered in {@code registry}.
     *
     * @param description the meter's description, saying where in the connection the listener refuses
     */
    public static ConnectionRefusals registeredIn(MeterRegistry registry, String listener, String description) {
        Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("vaultgate." + listener + ".connections.refused")
                    .description(description).tag("reason", reason.tag()).register(registry));
        }
        return new ConnectionRefusals(counters);
    }

    /** Counting nothing, for a listener nobody scrapes. */
    public static ConnectionRefusals none() {
        return NONE;
    }

    /** Counts one connection refused for {@code reason}. */
    public Runnable of(Reason reason) {
        Counter counter = counters.get(reason);
        return counter == null ? () -> { } : counter::increment;
    }
}
