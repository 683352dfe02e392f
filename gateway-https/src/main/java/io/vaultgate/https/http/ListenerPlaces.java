package io.vaultgate.https.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vaultgate.core.defender.ListenerCap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each connection's place in the listener's cap ({@code https.max-connections}, a {@link ListenerCap}): taken as the
 * connection is accepted, before its pipeline is built, and given back when it closes. At the cap, a new connection
 * takes the place of the connection that has waited longest for a request head, 2 s at least ({@link
 * ConnectionLimit#evictLongestWaiting}), if it would be admitted on its own ({@link ConnectionLimit#wouldAdmit}) and
 * does not come through a trusted proxy (whose client is known only once its PROXY header has arrived); otherwise it
 * is refused (counted by the cap).
 */
public final class ListenerPlaces {

    /** A connection's place in the listener's cap, while it holds one. */
    private static final AttributeKey<AtomicBoolean> PLACE = AttributeKey.valueOf(ListenerPlaces.class, "place");

    private final ListenerCap cap;
    private final ConnectionLimit limit;
    private final ProxyPeers proxies;

    /**
     * @param limit   the per-source limit of the same listener: it knows which connection has waited longest
     * @param proxies the trusted balancers, whose connections take nobody's place
     */
    public ListenerPlaces(ListenerCap cap, ConnectionLimit limit, ProxyPeers proxies) {
        this.cap = cap;
        this.limit = limit;
        this.proxies = proxies;
    }

    /**
     * Takes a place for {@code channel}, just accepted (before its pipeline is built): true, and it holds the place
     * until it closes (or hands it over); false when the listener is full for it (counted by the cap): close it.
     */
    public boolean admit(Channel channel) {
        // true while this connection holds a place in the listener's cap; cleared by whoever gives it back or hands
        // it over to a new connection (handOverLongestWaiting)
        AtomicBoolean place = new AtomicBoolean(true);
        if (!cap.tryAcquire(() -> handOverLongestWaiting(channel))) {
            return false;
        }
        channel.attr(PLACE).set(place);
        channel.closeFuture().addListener(closed -> {
            if (place.getAndSet(false)) {
                cap.release();
            }
        });
        return true;
    }

    /**
     * At the listener's cap: hands {@code newcomer} the place of the connection that has waited longest for a request
     * head (2 s at least), which is closed ({@link ConnectionLimit#evictLongestWaiting}); false if there is none, or
     * it gave its place back meanwhile (closing on its own: the place is free, but this connection is refused all the
     * same, a rare race, and nobody counts as evicted for it). Only for a newcomer that would be admitted on its own
     * ({@link ConnectionLimit#wouldAdmit}): one the defender refuses, or whose source is at its cap, is refused without
     * closing anyone's connection. Nor through a trusted proxy, whose client is known only once its PROXY header has
     * arrived.
     */
    private boolean handOverLongestWaiting(Channel newcomer) {
        if (proxies.trusts(newcomer.remoteAddress()) || !limit.wouldAdmit(newcomer.remoteAddress())) {
            return false;
        }
        return limit.evictLongestWaiting(victim -> {
            AtomicBoolean place = victim.attr(PLACE).get();
            return place != null && place.getAndSet(false);
        });
    }
}
