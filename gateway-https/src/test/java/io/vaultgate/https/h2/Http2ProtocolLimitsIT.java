package io.vaultgate.https.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.testing.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * HTTP/2 protocol limits against the real listener, with a client that breaks the rules on purpose
 * ({@link RawHttp2Client}): streams beyond the concurrency limit are refused even before the client acknowledged
 * the server's SETTINGS, a rapid-reset flood ends the connection, a too-long path is {@code 414}, and a connection
 * without any request is closed after the request header timeout. Each test waits for the event of the limit it is
 * about (up to 30 s) and keeps every other limit out of its way, so a busy machine does not change the outcome: the
 * keep-alive and request header timeouts are 5 minutes unless a test is about them, and a test whose own timeout is
 * short enough to cut a slow TLS handshake (a second or two, on a loaded machine) takes a connection only once the
 * server has taken its first frames ({@link RawHttp2Client#confirmed}).
 *
 * <p>The tests run at once ({@link Execution}): each has its own gateway and temporary directory and random
 * ports, and most of their time is spent waiting out timeouts.
 */
@Execution(ExecutionMode.CONCURRENT)
class Http2ProtocolLimitsIT {

    /**
     * The request header and keep-alive timeouts of tests not about them: long enough that a handshake slowed down by
     * a busy machine never runs into them, and that no connection is closed for having no stream open (the shorter of
     * the two, 5 s by default, between the handshake and the first HEADERS) within a test's wait. The tests that need
     * the request header timeout (or the body rate's grace, which it also sets) set their own.
     */
    private static final Duration NO_HEADER_TIMEOUT = Duration.ofMinutes(5);
    /** The bound on waits for events that take milliseconds: generous for a loaded machine. */
    private static final long PATIENCE_SECONDS = 30;

    @TempDir
    Path dir;

    private TestGateway gateway;

    /** Two streams at most, request header and keep-alive timeouts no test waits for, then {@code tweak}. */
    private void start(UnaryOperator<HttpsSettings> tweak) throws Exception {
        gateway = TestGateway.start(dir, s -> tweak.apply(s.withHttp2(Http2Limits.ON.withMaxConcurrentStreams(2))
                .withClientLimits(NO_HEADER_TIMEOUT, 64).withKeepAliveTimeout(NO_HEADER_TIMEOUT)));
    }

    private void start() throws Exception {
        start(s -> s);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private RawHttp2Client client() throws Exception {
        return new RawHttp2Client(gateway.port(), gateway.tls().caPem());
    }

    /** A PUT whose body is announced and not sent: its stream stays open, waiting. */
    private void openUpload(RawHttp2Client client, int stream) throws InterruptedException {
        client.headers(stream, client.request("PUT", "/v1/files/inbox/s" + stream + ".bin",
                "authorization", "Bearer " + gateway.token(), "content-length", "1000"), false);
    }

    /**
     * A connection with stream 1 open: an upload ({@link #openUpload}) the server has taken and neither answered nor
     * reset. For the tests whose idle timeout (1-2 s) a loaded machine's TLS handshake can outlast: that connection
     * is closed before it has a stream, which is the timeout at work but not what the test is about.
     */
    private RawHttp2Client withOpenUpload() throws Exception {
        RawHttp2Client client = RawHttp2Client.confirmed(gateway.port(), gateway.tls().caPem(), PATIENCE_SECONDS,
                c -> {
                    c.settingsAck();
                    openUpload(c, 1);
                });
        try {
            assertThat(client.beforeConfirmation()).as("stream 1 open").doesNotContain("HEADERS 1")
                    .doesNotContain("RST_STREAM 1").doesNotContain("GOAWAY");
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    @Test
    void aStreamBeyondTheConcurrencyLimit_isRefused_andTheOthersGoOn() throws Exception {
        start();
        try (RawHttp2Client client = client()) {
            openUpload(client, 1);
            openUpload(client, 3);
            openUpload(client, 5);

            assertThat(client.awaitEvent("RST_STREAM", PATIENCE_SECONDS)).contains("RST_STREAM 5 REFUSED_STREAM")
                    .doesNotContain("RST_STREAM 1").doesNotContain("RST_STREAM 3");
            client.reset(1, Http2Error.CANCEL);
            client.headers(7, client.request("GET", "/v1/openapi.yaml"), true);
            assertThat(client.awaitEvent("HEADERS 7", PATIENCE_SECONDS)).contains("HEADERS 7 200");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aRapidResetFlood_endsTheConnection() throws Exception {
        start();
        try (RawHttp2Client client = client()) {
            client.settingsAck();
            for (int i = 0; i < Http2Limits.MAX_RESETS_PER_WINDOW + 50 && client.isOpen(); i++) {
                int stream = 1 + 2 * i;
                openUpload(client, stream);
                client.reset(stream, Http2Error.CANCEL);
            }

            // only the flood limit closes a connection here (no header or idle timeout within the wait); its GOAWAY
            // ENHANCE_YOUR_CALM comes first, but a client still flooding when the server closes may get a TCP reset
            // that discards the GOAWAY before it was read: then the close alone is seen
            String events = client.awaitEvent("CLOSED", PATIENCE_SECONDS);
            if (events.contains("GOAWAY")) {
                assertThat(events).contains("GOAWAY ENHANCE_YOUR_CALM");
            }
        }
    }

    /**
     * RFC 9113 8.1: the complete response first, then {@code RST_STREAM NO_ERROR} to stop the unread body; curl
     * before 8.x may fail such an upload while still sending it instead of reporting the response (see Http2CurlIT).
     */
    @Test
    void aRefusedBody_getsItsCompleteResponse_thenRstStreamNoError_andTheConnectionGoesOn() throws Exception {
        start();
        gateway.core().administration().setMaxFileSize(gateway.principal().tenant(), 1024);
        try (RawHttp2Client client = client()) {
            client.settingsAck();
            client.headers(1, client.request("PUT", "/v1/files/inbox/big.bin",
                    "authorization", "Bearer " + gateway.token(), "content-length", "100000"), false);
            client.data(1, new byte[4096], false);

            String events = client.awaitEvent("RST_STREAM 1", PATIENCE_SECONDS);

            assertThat(events).containsSubsequence("HEADERS 1 413", "DATA 1 END_STREAM", "RST_STREAM 1 NO_ERROR");
            client.headers(3, client.request("GET", "/v1/openapi.yaml"), true);
            assertThat(client.awaitEvent("HEADERS 3", PATIENCE_SECONDS)).contains("HEADERS 3 200");
        }
    }

    @Test
    void aPathLongerThanTheRequestLineLimit_is414() throws Exception {
        start();
        try (RawHttp2Client client = client()) {
            client.settingsAck();
            client.headers(1, client.request("GET", "/v1/files/inbox/" + "a".repeat(9000),
                    "authorization", "Bearer " + gateway.token()), true);

            assertThat(client.awaitEvent("HEADERS 1", PATIENCE_SECONDS)).contains("HEADERS 1 414");
        }
    }

    @Test
    void aTrickledBody_resetsItsStream_andTheConnectionGoesOn() throws Exception {
        // the body rate's grace is the request header timeout (5 s), which also bounds the TLS handshake: the
        // connection is taken once the server has the headers
        start(s -> s.withMinBodyRate(64 * 1024).withClientLimits(Duration.ofSeconds(5), 64));
        try (RawHttp2Client client = RawHttp2Client.confirmed(gateway.port(), gateway.tls().caPem(), PATIENCE_SECONDS,
                c -> {
                    c.settingsAck();
                    c.headers(1, c.request("PUT", "/v1/files/inbox/slow.bin",
                            "authorization", "Bearer " + gateway.token(), "content-length", "100000"), false);
                })) {
            assertThat(client.beforeConfirmation()).doesNotContain("HEADERS 1").doesNotContain("RST_STREAM 1");
            boolean reset = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
            while (!reset && System.nanoTime() < deadline) { // 100 bytes every 400 ms, far below 64 KiB/s
                client.data(1, new byte[100], false);
                Thread.sleep(400);
                for (String event = client.next(0); event != null; event = client.next(0)) {
                    reset |= event.startsWith("RST_STREAM 1 CANCEL");
                }
            }

            assertThat(reset).as("the stream was reset").isTrue();
            client.headers(3, client.request("GET", "/v1/openapi.yaml"), true);
            assertThat(client.awaitEvent("HEADERS 3", PATIENCE_SECONDS)).contains("HEADERS 3 200");
            assertThat(gateway.core().files().list(gateway.principal(), io.vaultgate.core.path.PathPolicy.parse("/inbox")))
                    .as("nothing of the cut-off upload is visible").isEmpty();
        }
    }

    /**
     * PINGs keep the connection busy, not its streams: a stalled stream is reset, then the empty connection closed.
     * The stream's and the connection's idle timers have the same length, so the connection is busy only while its
     * PINGs come more often than that: a connection whose client was held up longer between two PINGs (a loaded
     * machine) may be closed by its own idle timer first, which proves nothing here, and another is tried. A
     * connection kept busy must see its stream reset before any GOAWAY.
     */
    @Test
    void aStreamWithoutData_isResetAfterTheIdleTimeout_evenWhilePingsKeepTheConnectionBusy() throws Exception {
        // the empty connection then ends by the request header timeout (5 s; the stream is open before); the body
        // rate, whose grace is that timeout too, is off: only the stream's idle timer may reset it
        Duration idle = Duration.ofSeconds(4);
        start(s -> s.withIdleTimeout(idle).withClientLimits(Duration.ofSeconds(5), 64).withMinBodyRate(0));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2 * PATIENCE_SECONDS);
        StringBuilder notBusy = new StringBuilder();
        while (true) {
            try (RawHttp2Client client = withOpenUpload()) {
                StringBuilder events = new StringBuilder();
                client.countPauses();
                for (int i = 0; client.isOpen() && System.nanoTime() < deadline; i++) {
                    client.ping(i); // one every 300 ms
                    Thread.sleep(300);
                    drain(client, events);
                }
                Thread.sleep(100);
                drain(client, events);
                long longestPause = client.longestPauseNanos();
                int reset = events.indexOf("RST_STREAM 1");
                int goaway = events.indexOf("GOAWAY");
                boolean resetFirst = reset >= 0 && (goaway < 0 || reset < goaway);
                if (!resetFirst && !client.isOpen() && longestPause >= idle.toNanos() - 300_000_000L
                        && System.nanoTime() < deadline) {
                    notBusy.append(String.format("paused %d ms: %s", longestPause / 1_000_000, events));
                    continue;
                }

                assertThat(events.toString()).as("the stalled upload's stream, reset while PINGs kept the connection "
                        + "busy (connections not kept busy: %s)", notBusy).contains("RST_STREAM 1");
                assertThat(resetFirst).as("the stream reset before the connection's GOAWAY: %s", events).isTrue();
                assertThat(client.isOpen()).as("no stream left: closed after the request header timeout").isFalse();
                return;
            }
        }
    }

    private static void drain(RawHttp2Client client, StringBuilder events) throws InterruptedException {
        for (String event = client.next(0); event != null; event = client.next(0)) {
            events.append(event).append('\n');
        }
    }

    /**
     * The stream's own idle timer (the same 1 s) resets only the stream, and a connection without a stream is closed
     * only after 5 minutes here (keep-alive and request header timeouts): only the connection's idle timer closes it
     * within the wait.
     */
    @Test
    void anIdleConnection_isClosedAfterTheIdleTimeout_evenWithAStreamOpen() throws Exception {
        start(s -> s.withIdleTimeout(Duration.ofSeconds(1)));
        try (RawHttp2Client client = withOpenUpload()) {
            String events = client.awaitEvent("CLOSED", PATIENCE_SECONDS);

            assertThat(events).contains("GOAWAY NO_ERROR");
        }
    }

    /**
     * The keep-alive timeout is 5 minutes here, so the request header timeout bounds a connection without a stream.
     * The same timer, in the HTTP/1.1 handlers, bounds the TLS handshake, which a loaded machine can take longer
     * over: such a connection is closed before it speaks HTTP/2 (no GOAWAY), and another is tried.
     */
    @Test
    void aConnectionWithoutRequests_isClosedAfterTheRequestHeaderTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        start(s -> s.withClientLimits(timeout, 64));
        try (RawHttp2Client client = RawHttp2Client.confirmed(gateway.port(), gateway.tls().caPem(), PATIENCE_SECONDS,
                RawHttp2Client::settingsAck)) {
            String events = client.awaitEvent("CLOSED", PATIENCE_SECONDS);

            assertThat(events).contains("GOAWAY NO_ERROR");
            // opened before the connection, so before the server's timer started
            assertThat(Duration.ofNanos(System.nanoTime() - client.openedNanos())).as("not before the timeout")
                    .isGreaterThanOrEqualTo(timeout);
        }
    }
}
