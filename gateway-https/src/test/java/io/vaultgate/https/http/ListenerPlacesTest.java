package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.ListenerCap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The listener's cap ({@code https.max-connections}) with its hand-over: a new connection at the cap takes the place of
 * the connection that has waited longest for a request head, and only a place handed over counts as an eviction
 * (review27 #7). Each connection is an {@link EmbeddedChannel} with a TCP peer address of 192.0.2.0/24, accepted as
 * {@code HttpsInitializer} accepts one (its place first, then the per-source limit); time is the test's own clock.
 */
class ListenerPlacesTest {

    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionLimit limit = new ConnectionLimit(64, AccessControl.open(), () -> { },
            evicted::incrementAndGet, now::get);
    private final ListenerPlaces places = new ListenerPlaces(
            new ListenerCap("https.max-connections", 1, refused::incrementAndGet), limit, ProxyPeers.NONE);

    /**
     * A connection waiting 3 s for a head closes on its own (its keep-alive timeout) just as, on other event loops,
     * one connection takes the place it gave back and another arrives at the full listener: that one is refused, and
     * nobody's place was handed over to it. Before, the closing connection, still counted by its source, was claimed
     * and counted as evicted before its place was found given back, so the newcomer counted both as evicted and as
     * refused.
     */
    @Test
    void aConnectionClosingOnItsOwnAsANewOneArrivesAtTheCap_isNotCountedAsEvicted() {
        List<EmbeddedChannel> arrived = new ArrayList<>();
        EmbeddedChannel idle = accept("192.0.2.40", () -> {
            arrived.add(accept("192.0.2.41", () -> { }));
            arrived.add(accept("192.0.2.42", () -> { }));
        });
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis() + 1_000);

        idle.close();

        assertThat(arrived.get(0).isOpen()).as("took the place given back").isTrue();
        assertThat(arrived.get(1).isOpen()).as("arrived at the full listener").isFalse();
        assertThat(refused).hasValue(1);
        assertThat(evicted).as("no connection gave its place to it").hasValue(0);
    }

    /** Guards the hand-over itself: the place of the connection waiting longest goes to the new one, counted once. */
    @Test
    void aNewConnectionAtTheCap_takesThePlaceOfTheOneWaitingLongest_countedAsEvicted() {
        EmbeddedChannel idle = accept("192.0.2.43", () -> { });
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis());

        EmbeddedChannel next = accept("192.0.2.44", () -> { });

        assertThat(next.isOpen()).isTrue();
        assertThat(idle.isOpen()).isFalse();
        assertThat(evicted).hasValue(1);
        assertThat(refused).hasValue(0);
        assertThat(accept("192.0.2.45", () -> { }).isOpen()).as("the new one waited less than 2 s").isFalse();
        assertThat(refused).hasValue(1);
        assertThat(evicted).hasValue(1);
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * A connection from {@code client} accepted as {@code HttpsInitializer} accepts one; {@code atClose} runs when it
     * closes, after it gave its place in the listener back and before its source's count drops it.
     */
    private EmbeddedChannel accept(String client, Runnable atClose) {
        SocketAddress peer;
        try {
            peer = new InetSocketAddress(InetAddress.getByName(client), 40000);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return peer;
            }
        };
        if (!places.admit(channel)) {
            channel.close();
            return channel;
        }
        channel.closeFuture().addListener(closed -> atClose.run());
        channel.pipeline().addLast(limit);
        channel.pipeline().fireChannelActive();
        return channel;
    }
}
