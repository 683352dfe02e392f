package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vaultgate.core.auth.AccessControl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the per-source connection cap counts as one source: the defender's key, an IPv4 address or an IPv6 /64; and
 * which connection of a source at its cap gives its place to a new one: the one that has waited longest for a request
 * head, {@link ConnectionLimit#EVICTABLE_AFTER} at least. Each connection is an {@link EmbeddedChannel} whose client
 * address is set as a trusted balancer's header would set it; time is the test's own clock.
 */
class ConnectionLimitTest {

    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionLimit limit = new ConnectionLimit(2, AccessControl.open(), refused::incrementAndGet,
            evicted::incrementAndGet, now::get);

    @Test
    void addressesOfOneIpv6Slash64_shareTheCap_whileTheNext64AndIpv4AddressesAreApart() throws Exception {
        EmbeddedChannel first = connect("2001:db8:0:7::1");
        EmbeddedChannel second = connect("2001:db8:0:7:ffff:ffff:ffff:fffe");
        EmbeddedChannel third = connect("2001:db8:0:7::3");

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(third.isOpen()).as("a third address of the same /64, at a cap of 2").isFalse();
        assertThat(refused).hasValue(1);
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:7::abcd"))).isEqualTo(2);

        assertThat(connect("2001:db8:0:8::1").isOpen()).as("the next /64").isTrue();
        assertThat(connect("192.0.2.1").isOpen()).isTrue();
        assertThat(connect("192.0.2.2").isOpen()).as("IPv4: one address each").isTrue();
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:8::2"))).isEqualTo(1);
    }

    /** Before, every refused connection wrote a WARN: one source could flood the log at its connection rate. */
    @Test
    void aSourceFloodingPastItsCap_isCountedEachTime_andWritesOneWarnLine() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ConnectionLimit.class);
        logged.start();
        logger.addAppender(logged);
        try {
            connect("192.0.2.9");
            connect("192.0.2.9");
            for (int connection = 0; connection < 100; connection++) {
                assertThat(connect("192.0.2.9").isOpen()).isFalse();
            }
            assertThat(refused).hasValue(100);
            assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                    .contains("192.0.2.9", "the limit is 2", "at most once a minute"));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aClosedConnection_givesItsPlaceBackToItsWhole64() throws Exception {
        EmbeddedChannel first = connect("2001:db8:0:7::1");
        connect("2001:db8:0:7::2");
        assertThat(connect("2001:db8:0:7::3").isOpen()).as("the /64 is full").isFalse();

        first.close();

        assertThat(connect("2001:db8:0:7::99").isOpen()).isTrue();
        assertThat(limit.openFrom(InetAddress.getByName("2001:db8:0:7::1"))).isEqualTo(2);
    }

    /**
     * A source at its cap whose connections have waited for a request head 2 s and more: the one that waited longest
     * is closed and the new connection takes its place, counted apart from refusals. Before, the new one was refused
     * until the request-head deadline (30 s) or the keep-alive timeout closed one of them.
     */
    @Test
    void aSourceAtItsCap_givesThePlaceOfTheConnectionWaitingLongestForAHead_toANewOne() throws Exception {
        EmbeddedChannel oldest = connect("192.0.2.20");
        advance(500);
        EmbeddedChannel younger = connect("192.0.2.20");
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis());

        EmbeddedChannel next = connect("192.0.2.20");

        assertThat(next.isOpen()).as("the new connection").isTrue();
        assertThat(oldest.isOpen()).as("the one that waited longest").isFalse();
        assertThat(younger.isOpen()).isTrue();
        assertThat(evicted).hasValue(1);
        assertThat(refused).hasValue(0);
        assertThat(limit.openFrom(InetAddress.getByName("192.0.2.20"))).isEqualTo(2);

        assertThat(connect("192.0.2.20").isOpen()).as("the younger one waited 2 s: its place goes too").isTrue();
        assertThat(younger.isOpen()).isFalse();
        assertThat(connect("192.0.2.20").isOpen()).as("the rest waited less than 2 s").isFalse();
        assertThat(next.isOpen()).isTrue();
        assertThat(evicted).hasValue(2);
        assertThat(refused).hasValue(1);
    }

    /**
     * Guards what is never closed for a new connection: one with a request in flight, however long, and one that has
     * waited for a head less than 2 s (its wait counted again from its last answer); then the new one is refused.
     */
    @Test
    void aConnectionWithARequestInFlight_orWaitingLessThan2s_keepsItsPlace() throws Exception {
        EmbeddedChannel busy = connect("2001:db8:0:9::1");
        EmbeddedChannel answered = connect("2001:db8:0:9::2");
        HeadWait.busy(busy);
        advance(60_000);
        HeadWait.waiting(answered); // its answer written just now

        assertThat(connect("2001:db8:0:9::3").isOpen()).as("no connection of the /64 waited 2 s").isFalse();
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis() - 1);
        assertThat(connect("2001:db8:0:9::4").isOpen()).isFalse();

        assertThat(busy.isOpen()).as("a request in flight for a minute").isTrue();
        assertThat(answered.isOpen()).isTrue();
        assertThat(refused).hasValue(2);
        assertThat(evicted).hasValue(0);

        advance(1);
        assertThat(connect("2001:db8:0:9::5").isOpen()).as("waited 2 s since its answer").isTrue();
        assertThat(answered.isOpen()).isFalse();
        assertThat(busy.isOpen()).isTrue();
    }

    /**
     * A connection of a source at its cap that has waited 3 s closes on its own (its keep-alive timeout) just as a new
     * connection of the source arrives on another event loop, before its close has dropped it from the source's
     * count: the new one takes the place it gave back, and nobody counts as evicted. Before, the closing connection
     * was claimed for the new one, counted and logged as closed for it.
     */
    @Test
    void aConnectionClosingOnItsOwnAsANewOneOfItsSourceArrives_givesItsPlace_uncountedAsEvicted() throws Exception {
        EmbeddedChannel[] next = {null};
        EmbeddedChannel idle = connect("192.0.2.22", () -> next[0] = connect("192.0.2.22"));
        EmbeddedChannel other = connect("192.0.2.22");
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis() + 1_000);

        idle.close();

        assertThat(next[0].isOpen()).as("the new connection").isTrue();
        assertThat(other.isOpen()).as("waited as long, but the place given back was free").isTrue();
        assertThat(evicted).hasValue(0);
        assertThat(refused).hasValue(0);
        assertThat(limit.openFrom(InetAddress.getByName("192.0.2.22"))).isEqualTo(2);
    }

    /**
     * At the listener's cap, a connection claimed for a new one counts as evicted only once its place was handed over
     * (review27 #7); claimed, it is closed either way.
     */
    @Test
    void theLongestWaitingConnectionTakenForTheListener_countsAsEvictedOnlyWhenItsPlaceIsHandedOver() throws Exception {
        EmbeddedChannel first = connect("192.0.2.23");
        advance(1);
        EmbeddedChannel second = connect("192.0.2.24");
        advance(ConnectionLimit.EVICTABLE_AFTER.toMillis());

        assertThat(limit.evictLongestWaiting(victim -> false)).as("its place was given back already").isFalse();
        assertThat(first.isOpen()).as("claimed: its request can no longer begin").isFalse();
        assertThat(evicted).hasValue(0);

        assertThat(limit.evictLongestWaiting(victim -> victim == second)).isTrue();
        assertThat(second.isOpen()).isFalse();
        assertThat(evicted).hasValue(1);
        assertThat(limit.evictLongestWaiting(victim -> true)).as("none is left").isFalse();
        assertThat(evicted).hasValue(1);
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private EmbeddedChannel connect(String client) throws UnknownHostException {
        return connect(client, () -> { });
    }

    /** With {@code atClose} run when it closes, before the limit's own close drops it from its source's count. */
    private EmbeddedChannel connect(String client, ThrowingRunnable atClose) throws UnknownHostException {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.attr(ClientAddress.PROXIED).set(new InetSocketAddress(InetAddress.getByName(client), 40000));
        channel.closeFuture().addListener(closed -> atClose.run());
        channel.pipeline().addLast(limit);
        channel.pipeline().fireChannelActive();
        return channel;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
