package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vaultgate.core.auth.AccessControl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review26b L2: a connection chosen to give its place to a new one may complete its request head at that very moment.
 * Its request must then either begin and the connection be left alone, or not begin at all; never begin and be cut
 * off. The race is made deterministic through what the limit runs between claiming the connection and closing it,
 * the eviction counter (per-source cap) or the hand-over of its place (listener's cap): there the victim's head
 * arrives, through the real request decoder, request header timeout and API handler, whose dispatcher records the
 * requests that began. Time is the test's own clock.
 */
class EvictionRaceTest {

    private static final String HEAD = "GET /files/report.csv HTTP/1.1\r\nHost: gateway\r\n\r\n";

    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicReference<Runnable> atEviction = new AtomicReference<>(() -> { });
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionLimit limit = new ConnectionLimit(2, AccessControl.open(), () -> { }, () -> {
        evicted.incrementAndGet();
        atEviction.get().run();
    }, now::get);
    /** The connections on which a request began (was dispatched), in order. */
    private final List<Channel> began = new CopyOnWriteArrayList<>();

    /** Before: the head's request was dispatched, and then its connection was closed for the new one. */
    @Test
    void aHeadCompletingAsItsConnectionIsChosenForANewOneOfItsSource_neitherBeginsAndIsCutOff() throws Exception {
        EmbeddedChannel victim = connect("192.0.2.30");
        advance(500);
        EmbeddedChannel other = connect("192.0.2.30");
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis());
        atEviction.set(() -> victim.writeInbound(Unpooled.copiedBuffer(HEAD, StandardCharsets.US_ASCII)));

        EmbeddedChannel next = connect("192.0.2.30");

        assertThat(evicted).hasValue(1);
        assertThat(next.isOpen()).as("the new connection").isTrue();
        assertThat(other.isOpen()).isTrue();
        assertThat(began.contains(victim) && !victim.isOpen())
                .as("a request began on the connection closed for the new one").isFalse();
        assertThat(victim.isOpen()).as("it was claimed before its head completed: closed, its request not begun")
                .isFalse();
        assertThat(began).isEmpty();
        assertThat(limit.openFrom(InetAddress.getByName("192.0.2.30"))).isEqualTo(2);
    }

    /** The same at the listener's cap: the connection handed to the caller to close must not have begun a request. */
    @Test
    void aHeadCompletingAsItsConnectionIsTakenForTheListenersCap_neitherBeginsAndIsCutOff() throws Exception {
        EmbeddedChannel victim = connect("192.0.2.31");
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis() + 1);
        AtomicReference<Channel> taken = new AtomicReference<>();

        boolean handedOver = limit.evictLongestWaiting(chosen -> {
            taken.set(chosen);
            victim.writeInbound(Unpooled.copiedBuffer(HEAD, StandardCharsets.US_ASCII));
            return true;
        });

        assertThat(handedOver && began.contains(victim))
                .as("a request began on the connection handed over to be closed").isFalse();
        assertThat(taken.get()).isSameAs(victim);
        assertThat(began).isEmpty();
        assertThat(victim.isOpen()).isFalse();
        assertThat(evicted).hasValue(1);
    }

    /**
     * The other order, for real: a head completes (its connection marked busy) on one thread while a new connection of
     * its source arrives on another. Whichever wins, a connection whose request began is never closed, and the new
     * one gets the place of the other connection that waited 2 s (the choice passes on when its first claim fails).
     */
    @Test
    void aHeadCompletingOnAnotherThread_whileANewConnectionChoosesIt_isNeverClosedOnceBusy() throws Exception {
        for (int round = 0; round < 1_000; round++) {
            String sourceRound = "2001:db8:" + Integer.toHexString(round) + "::1";
            EmbeddedChannel first = bare(sourceRound);
            advance(1);
            EmbeddedChannel second = bare(sourceRound);
            advance(ConnectionLimit.EVICTABLE_AFTER.toMillis());
            boolean[] firstBegan = {false};
            Thread head = new Thread(() -> firstBegan[0] = HeadWait.busy(first));
            head.start();
            EmbeddedChannel next = bare(sourceRound);
            head.join();

            assertThat(firstBegan[0] && !first.isOpen()).as("round %d: closed with its request begun", round)
                    .isFalse();
            assertThat(next.isOpen()).as("round %d: the second waited 2 s as well", round).isTrue();
            assertThat(first.isOpen() ^ second.isOpen()).as("round %d: exactly one gave its place up", round)
                    .isTrue();
        }
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** A connection with the HTTP/1.1 handlers that tell the wait (the header timeout) and begin requests. */
    private EmbeddedChannel connect(String client) throws UnknownHostException {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ClientAddress.PROXIED).set(new InetSocketAddress(InetAddress.getByName(client), 40000));
        channel.pipeline().addLast(limit, new HttpRequestDecoder(), new HttpResponseEncoder(),
                new RequestHeaderTimeout(Duration.ofSeconds(30)),
                new ApiHandler((reply, request, peer) -> {
                    began.add(channel);
                    return Exchange.DISCARD;
                }));
        channel.pipeline().fireChannelActive();
        return channel;
    }

    /** A connection with the limit only: its wait is told directly. */
    private EmbeddedChannel bare(String client) throws UnknownHostException {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ClientAddress.PROXIED).set(new InetSocketAddress(InetAddress.getByName(client), 40000));
        channel.pipeline().addLast(limit);
        channel.pipeline().fireChannelActive();
        return channel;
    }
}
