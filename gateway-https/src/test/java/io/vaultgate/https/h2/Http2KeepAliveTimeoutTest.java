package io.vaultgate.https.h2;

import static io.vaultgate.core.testing.TestSockets.closedUnanswered;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.TestSockets;
import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.http.ConnectionLimit;
import io.vaultgate.https.testing.TestGateway;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code https.keep-alive-timeout} on HTTP/2 ({@link ConnectionGuard}): a connection without an open stream for the
 * keep-alive timeout gets a GOAWAY and is closed, PINGs notwithstanding, and its place in its source's cap is free
 * again; a stream open longer than that (an upload whose DATA comes with pauses longer than the timeout) is not cut.
 * The request-head deadline is 5 minutes here, so only the keep-alive timeout can close a connection this soon.
 *
 * <p>The tests run at once ({@link Execution}): each has its own gateway and temporary directory and random
 * ports, and most of their time is spent waiting out timeouts.
 */
@Execution(ExecutionMode.CONCURRENT)
class Http2KeepAliveTimeoutTest {

    /** Long enough that a loaded machine makes two connections and requests before the first one's runs out. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);
    private static final Duration NO_HEAD_DEADLINE = Duration.ofMinutes(5);
    /** Seconds to wait for what should happen at once, or at the keep-alive timeout: generous for a loaded machine. */
    private static final long SOON = 8;
    private static final long PATIENCE = 20;

    @TempDir
    Path dir;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir, s -> s.withHttp2(Http2Limits.ON).withClientLimits(NO_HEAD_DEADLINE, 2)
                .withKeepAliveTimeout(KEEP_ALIVE));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * At a source's cap of 2, while the cap is tested each of the two connections holds a stream open (a PUT whose one
     * byte of DATA is held back; {@link #holding}): a connection without a stream could be closed by the keep-alive
     * timeout (2 s), or give its place to the third after waiting 2 s ({@link ConnectionLimit#EVICTABLE_AFTER}), on a
     * machine loaded enough to take that long over the second connection's handshake and request. Then the bodies
     * are sent and answered, and both connections, without a stream from then on, get a GOAWAY, PINGs
     * notwithstanding.
     */
    @Test
    void connectionsWithoutAnOpenStream_getAGoawayAfterTheKeepAliveTimeout_andTheirSourceIsAcceptedAgain()
            throws Exception {
        try (RawHttp2Client warm = served()) { // the first TLS handshake and request of a fresh server are slow
            assertThat(warm.isOpen()).isTrue();
        }
        awaitOpenConnections(0); // the warm-up's place is given back before the cap is filled
        try (RawHttp2Client first = holding("held-1.bin")) {
            RawHttp2Client second = holding("held-2.bin");
            try (Socket third = TestSockets.connect("127.0.0.1", gateway.port())) {
                assertThat(closedUnanswered(third, Duration.ofSeconds(PATIENCE))).as("the source's cap of 2 is full")
                        .isTrue();
            }
            assertThat(gateway.core().metrics().registry().counter("vaultgate.https.connections.refused", "reason",
                    "max_connections_per_source").count()).as("refused for the cap, not closed idle").isEqualTo(1.0);
            assertThat(gateway.core().metrics().registry().counter("vaultgate.https.connections.evicted").count())
                    .as("no connection with a stream open gives its place").isZero();
            for (RawHttp2Client held : new RawHttp2Client[] {first, second}) {
                held.data(1, new byte[1], true);
                assertThat(held.awaitEvent("HEADERS 1", PATIENCE)).as("stored").contains("HEADERS 1 201");
            }
            long answered = System.nanoTime();
            for (int i = 0; i < 3; i++) { // PINGs are no request: they do not keep the connection
                first.ping(i);
                Thread.sleep(200);
            }

            assertThat(first.awaitEvent("GOAWAY", SOON)).contains("GOAWAY NO_ERROR");
            first.awaitEvent("CLOSED", SOON);
            assertThat(second.awaitEvent("GOAWAY", SOON)).contains("GOAWAY NO_ERROR");
            second.awaitEvent("CLOSED", SOON);
            second.close();
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("not at the request-head deadline")
                    .isLessThan(Duration.ofSeconds(2 * SOON));
        }
        try (RawHttp2Client again = served()) {
            assertThat(again.isOpen()).isTrue();
        }
    }

    @Test
    void aStreamOpenLongerThanTheTimeout_isNotCut_andTheConnectionGoesOnceIdle() throws Exception {
        try (RawHttp2Client client = open(c -> c.headers(1, c.request("PUT", "/v1/files/inbox/slow.bin",
                "authorization", "Bearer " + gateway.token(), "content-length", "3000"), false))) {
            assertThat(client.beforeConfirmation()).as("the stream opened").doesNotContain("HEADERS 1")
                    .doesNotContain("GOAWAY");
            // DATA frames with pauses longer than the timeout: the stream is open all along
            for (int i = 0; i < 3; i++) {
                Thread.sleep(KEEP_ALIVE.toMillis() + 500);
                client.data(1, new byte[1000], i == 2);
            }
            String events = client.awaitEvent("HEADERS 1", PATIENCE);
            assertThat(events).doesNotContain("GOAWAY").doesNotContain("CLOSED").contains("HEADERS 1 201");

            client.awaitEvent("GOAWAY NO_ERROR", SOON);
            client.awaitEvent("CLOSED", SOON);
        }
    }

    /**
     * review26b L3: an HTTP/2 connection without an open stream waits for a request as an idle HTTP/1.1 one does: at
     * its source's cap (1 here), a new connection takes its place once it has waited {@link
     * ConnectionLimit#EVICTABLE_AFTER}. The keep-alive timeout is 20 s here, so only that hand-over can close it this
     * soon; before, an HTTP/2 connection counted as busy for good and the new one was refused.
     */
    @Test
    void anHttp2ConnectionWithoutAStream_givesItsPlaceAtTheSourcesCap_onceItHasWaited() throws Exception {
        gateway.close();
        gateway = TestGateway.start(dir.resolve("cap1"), s -> s.withHttp2(Http2Limits.ON)
                .withClientLimits(NO_HEAD_DEADLINE, 1).withKeepAliveTimeout(Duration.ofSeconds(20)));
        try (RawHttp2Client idle = client()) {
            get(idle);
            Thread.sleep(ConnectionLimit.EVICTABLE_AFTER.toMillis() + 500);
            try (RawHttp2Client next = client()) {
                get(next);
            }
            idle.awaitEvent("CLOSED", SOON);
        }
        assertThat(gateway.core().metrics().registry().counter("vaultgate.https.connections.evicted").count())
                .isEqualTo(1.0);
    }

    private RawHttp2Client client() throws Exception {
        return new RawHttp2Client(gateway.port(), gateway.tls().caPem());
    }

    /**
     * A connection whose first frames {@code first} writes, once the server has taken them ({@link
     * RawHttp2Client#confirmed}): a connection the keep-alive timeout (2 s) closed before its first HEADERS arrived,
     * which a loaded machine can take that long over after the handshake, is replaced by another.
     */
    private RawHttp2Client open(RawHttp2Client.Frames first) throws Exception {
        return RawHttp2Client.confirmed(gateway.port(), gateway.tls().caPem(), PATIENCE, first);
    }

    /**
     * A connection with stream 1 open with the HEADERS of a one-byte PUT of {@code name}, its DATA held back: a request
     * in flight until the test sends it. Returns once the server has acknowledged a PING sent right behind the HEADERS:
     * it reads a connection's frames in order, so by then it has opened the stream.
     */
    private RawHttp2Client holding(String name) throws Exception {
        RawHttp2Client client = open(c -> c.headers(1, c.request("PUT", "/v1/files/inbox/" + name, "authorization",
                "Bearer " + gateway.token(), "content-length", "1"), false));
        if (client.beforeConfirmation().contains("HEADERS 1")) {
            client.close();
            throw new AssertionError("the stream was answered, not opened:\n" + client.beforeConfirmation());
        }
        return client;
    }

    /** A connection on which a GET was answered (stream 1), taken as {@link #open} takes it. */
    private RawHttp2Client served() throws Exception {
        RawHttp2Client client = open(c -> c.headers(1, c.request("GET", "/v1/files/", "authorization",
                "Bearer " + gateway.token()), true));
        try {
            String events = client.beforeConfirmation();
            if (!events.contains("DATA 1 END_STREAM")) {
                events += client.awaitEvent("DATA 1 END_STREAM", PATIENCE);
            }
            assertThat(events).contains("HEADERS 1 200");
            return client;
        } catch (AssertionError | InterruptedException e) {
            client.close();
            throw e;
        }
    }

    private void awaitOpenConnections(int open) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(PATIENCE).toNanos();
        while (gateway.core().metrics().registry().get("vaultgate.https.connections.open").gauge().value() != open) {
            assertThat(System.nanoTime()).as("%d connections open within %d s", open, PATIENCE).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private void get(RawHttp2Client client) throws InterruptedException {
        client.headers(1, client.request("GET", "/v1/files/", "authorization", "Bearer " + gateway.token()), true);
        assertThat(client.awaitEvent("DATA 1 END_STREAM", PATIENCE)).contains("HEADERS 1 200");
    }
}
