package io.vaultgate.https.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.https.http.ApiHandler;
import io.vaultgate.https.http.ConnectionLimit;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.TestLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * review26b L2 and L3 on HTTP/2 (review27 #6): an HTTP/2 connection with no stream open waits for a request as an
 * idle HTTP/1.1 one does (its {@link ConnectionGuard} tells it), so a new connection of its source at the cap takes its
 * place after {@link ConnectionLimit#EVICTABLE_AFTER}; a stream whose request head arrives just as the connection is
 * claimed for that must not begin, since the connection is being closed ({@link ApiHandler} checks the stream's
 * parent). The connection is an {@link EmbeddedChannel} with the real limit and guard over a real {@link
 * Http2Connection}; a stream is an {@link EmbeddedChannel} whose parent is the connection, with the real API handler,
 * whose dispatcher records the requests that began. The race is made deterministic through the eviction counter, which
 * the limit runs between claiming the connection and closing it. Time is the test's own clock, advanced by hand: no
 * sleep, and no stall of the test thread can make a connection wait longer than the test says.
 */
class Http2EvictionRaceTest {

    private static final long PAST_EVICTABLE_NANOS = ConnectionLimit.EVICTABLE_AFTER.plusMillis(200).toNanos();
    private static final long JUST_UNDER_EVICTABLE_NANOS = ConnectionLimit.EVICTABLE_AFTER.minusMillis(1).toNanos();

    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger evicted = new AtomicInteger();
    private final AtomicReference<Runnable> atEviction = new AtomicReference<>(() -> { });
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionLimit limit = TestLimits.withClock(1, AccessControl.open(), refused::incrementAndGet,
            () -> {
                evicted.incrementAndGet();
                atEviction.get().run();
            }, now::get);
    /** The channels (streams) on which a request began, in order. */
    private final List<Channel> began = new CopyOnWriteArrayList<>();

    /**
     * Its stream opens and its head arrives after the connection was claimed for a new one of its source: the request
     * does not begin, the stream is closed, and the connection gives its place. Without the stream branch of {@code
     * HeadWait.claimed} (the stream's parent is the connection) the request began on a connection being closed.
     */
    @Test
    void aStreamOpeningAsItsIdleConnectionIsClaimedForANewOne_doesNotBegin() throws Exception {
        Http2Connection http2 = new DefaultHttp2Connection(true);
        EmbeddedChannel connection = connect("192.0.2.60", http2);
        now.addAndGet(PAST_EVICTABLE_NANOS);
        EmbeddedChannel[] stream = {null};
        atEviction.set(() -> stream[0] = openStream(connection, http2, 3));

        EmbeddedChannel next = connect("192.0.2.60", new DefaultHttp2Connection(true));

        assertThat(evicted).hasValue(1);
        assertThat(next.isOpen()).as("the new connection").isTrue();
        assertThat(connection.isOpen()).as("the connection without a stream, waiting 2 s").isFalse();
        assertThat(began).as("a request began on a stream of the connection closed for the new one").isEmpty();
        assertThat(stream[0].isOpen()).as("its stream is closed, its request not begun").isFalse();
    }

    /**
     * Guards the other side: a connection with a stream open keeps its place however long (the new connection is
     * refused and the stream's request begins); once its last stream closes it waits afresh, so it keeps its place
     * for 2 s more, counted from that close (its connect was 4.2 s before the last new connection).
     */
    @Test
    void aConnectionWithAStreamOpen_keepsItsPlace_andWaitsAfreshFromItsLastStreamsClose() throws Exception {
        Http2Connection http2 = new DefaultHttp2Connection(true);
        EmbeddedChannel connection = connect("192.0.2.61", http2);
        EmbeddedChannel stream = openStream(connection, http2, 3);
        now.addAndGet(PAST_EVICTABLE_NANOS);

        assertThat(connect("192.0.2.61", new DefaultHttp2Connection(true)).isOpen()).as("a stream is open").isFalse();
        http2.stream(3).close();
        now.addAndGet(JUST_UNDER_EVICTABLE_NANOS);
        assertThat(connect("192.0.2.61", new DefaultHttp2Connection(true)).isOpen())
                .as("its last stream closed 1 ms less than 2 s ago").isFalse();

        assertThat(connection.isOpen()).isTrue();
        assertThat(began).containsExactly(stream);
        assertThat(refused).hasValue(2);
        assertThat(evicted).hasValue(0);
    }

    /** A connection from {@code client} through the limit, then the guard of its HTTP/2 connection, as on the wire. */
    private EmbeddedChannel connect(String client, Http2Connection http2) throws UnknownHostException {
        SocketAddress peer = new InetSocketAddress(InetAddress.getByName(client), 40000);
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return peer;
            }
        };
        channel.pipeline().addLast(limit);
        channel.pipeline().fireChannelActive();
        if (channel.isOpen()) {
            channel.pipeline().addLast(new ConnectionGuard(http2, Duration.ofSeconds(30)));
        }
        return channel;
    }

    /** Opens stream {@code id} on {@code http2} (the guard marks the connection busy) and its request head arrives. */
    private EmbeddedChannel openStream(EmbeddedChannel connection, Http2Connection http2, int id) {
        try {
            http2.remote().createStream(id, false);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        EmbeddedChannel stream = new EmbeddedChannel(connection, DefaultChannelId.newInstance(), true, false);
        stream.pipeline().addLast(new ApiHandler((reply, request, peer) -> {
            began.add(stream);
            return Exchange.DISCARD;
        }));
        stream.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/files/report.csv"));
        return stream;
    }
}
