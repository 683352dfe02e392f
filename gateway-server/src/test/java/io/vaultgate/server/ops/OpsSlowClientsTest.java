package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.metrics.CheckResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and abusive clients against the ops listener: many connections that trickle or withhold their request head
 * (slowloris) must not keep {@code /health/live} or {@code /metrics} from being answered, and are closed at the
 * request timeout; one address cannot hold more than its share of connections; bodies, long request lines and
 * large headers are refused; a catalog that hangs ties up only the workers, never the liveness answer.
 */
class OpsSlowClientsTest {

    /** Long enough that a probe queued behind the slow clients (as on a thread-per-request server) fails. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** What "promptly" means for the probes: well inside the request timeout. */
    private static final Duration PROMPT = Duration.ofMillis(1500);

    @TempDir
    Path home;
    private final LoopbackClients clients = new LoopbackClients();

    @AfterEach
    void closeSockets() throws IOException {
        clients.close();
    }

    /**
     * 64 slow clients from four loopback addresses (16 each, the per-address cap): half send a request head a
     * byte every 200 ms, half connect and say nothing. Meanwhile health and scrapes from 127.0.0.1 are answered
     * promptly, each time; every slow connection is still open then, and closed at the request timeout (the silent
     * ones at the idle timeout, whose default, 5 s, is this test's request timeout).
     */
    @Test
    void sixtyFourSlowClients_doNotDelayHealthOrMetrics_andAreClosedAtTheRequestTimeout() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            long opened = System.nanoTime();
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Socket socket = clients.connect(ops.port(), "127.0.0." + (2 + i % 4));
                slow.add(socket);
                if (i % 2 == 0) {
                    clients.trickleHead(socket, Duration.ZERO);
                }
            }
            Thread.sleep(300); // every trickler has sent a byte or two: a thread-per-request server is now full

            for (int round = 0; round < 3; round++) {
                assertPrompt(ops, "/health/live", false);
                assertPrompt(ops, "/metrics", true);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("probes done before the request timeout")
                    .isLessThan(REQUEST_TIMEOUT);
            for (Socket socket : slow) {
                assertThat(isOpen(socket)).as("a slow client is held until its request timeout").isTrue();
            }

            for (Socket socket : slow) {
                socket.setSoTimeout((int) REQUEST_TIMEOUT.plusSeconds(3).toMillis());
                assertThat(readsEnd(socket)).as("every slow client is disconnected").isTrue();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - opened);
            assertThat(took).as("closed at the request timeout, not before")
                    .isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(500))
                    .isLessThan(REQUEST_TIMEOUT.plusSeconds(3));
            assertThat(ops.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    /** One address gets {@link OpsServer#MAX_CONNECTIONS_PER_ADDRESS} connections; the next is closed at once. */
    @Test
    void oneAddress_cannotHoldMoreThanItsShareOfConnections() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            for (int i = 0; i < OpsServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                clients.connect(ops.port(), "127.0.0.7");
            }
            Socket extra = clients.connect(ops.port(), "127.0.0.7");
            extra.setSoTimeout(2_000);
            assertThat(readsEnd(extra)).as("the connection over the cap is closed").isTrue();
            assertThat(isOpen(clients.connected().get(0))).as("the ones under it are not").isTrue();
            assertThat(ops.get("/health/live").statusCode()).as("another address is served").isEqualTo(200);
        }
    }

    @Test
    void aRequestWithABody_isRefusedWith413_andOtherMethodsWith405() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            assertThat(exchange(ops.port(), "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
                    .startsWith("HTTP/1.1 413 ").contains("connection: close");
            assertThat(exchange(ops.port(), "PUT /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab"))
                    .startsWith("HTTP/1.1 405 ").contains("allow: get, head");
            assertThat(exchange(ops.port(), "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n")).startsWith("HTTP/1.1 413 ");
        }
    }

    @Test
    void aLongRequestLineOrLargeHeaders_areRefused() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            assertThat(exchange(ops.port(), "GET /health/live?" + "a".repeat(4_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 414 ");
            assertThat(exchange(ops.port(), "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(16_000)
                    + "\r\n\r\n")).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void head_getsTheHeadersOfGet_withoutTheBody() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            String answer = exchange(ops.port(), "HEAD /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200 ").contains("content-length: 16")
                    .contains("content-type: application/json; charset=utf-8").contains("cache-control: no-store")
                    .endsWith("\r\n\r\n");
        }
    }

    /** Requests sent ahead of their answers are answered in order, the one a worker answers included. */
    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        try (OpsFixture ops = new OpsFixture(home, REQUEST_TIMEOUT)) {
            Socket socket = clients.connect(ops.port(), "127.0.0.1");
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(ascii("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            // a body ends with a line break, so each answer's status line starts a line
            assertThat(java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answers).results()
                    .map(match -> match.group(1))).containsExactly("200", "404", "200");
            assertThat(answers.indexOf("\"checks\"")).as("readiness first").isBetween(0, answers.indexOf(" 404 "));
            assertThat(answers).endsWith("{\"status\":\"up\"}\n");
        }
    }

    /**
     * A catalog that hangs holds the workers (and their queue) only: {@code /health/live} is still answered at once,
     * and a request no worker can take is answered 503 rather than left waiting.
     */
    @Test
    void aHangingCatalog_holdsOnlyTheWorkers_livenessStillAnswers_andTheOverflowIsAnswered503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OpsServices services = new OpsServices(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> { },
                new RefusingAuthenticator(), () -> {
                    throw new IllegalStateException("not asked for");
                }, List.of(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CheckResult.up("catalog");
                }));
        try (OpsServer server = OpsServer.start(new OpsSettings("127.0.0.1", 0, Duration.ZERO)
                .withRequestTimeout(REQUEST_TIMEOUT), services, Clock.systemUTC(), () -> 0L)) {
            List<Socket> waiting = new ArrayList<>();
            for (int i = 0; i < OpsServer.WORKERS + OpsServer.QUEUE; i++) {
                Socket socket = clients.connect(server.port(), "127.0.0." + (10 + i % 8));
                socket.getOutputStream().write(ascii("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"));
                waiting.add(socket);
            }
            Thread.sleep(300);
            assertThat(exchange(server.port(), "GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 503 ").contains("retry-after: 1");
            long start = System.nanoTime();
            assertThat(exchange(server.port(), "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPT);

            release.countDown();
            for (Socket socket : waiting) {
                socket.setSoTimeout(10_000);
                assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .as("each waiting request is answered once the catalog is back").isEqualTo("HTTP/1.1 200");
            }
        } finally {
            release.countDown();
        }
    }

    private static void assertPrompt(OpsFixture ops, String path, boolean admin) throws Exception {
        long start = System.nanoTime();
        java.net.http.HttpRequest.Builder request = ops.request(path).timeout(PROMPT);
        if (admin) {
            request.header("Authorization", "Bearer " + ops.adminToken);
        }
        HttpResponse<String> response = ops.send(request);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path + " answered promptly").isLessThan(PROMPT);
    }

    /** True if nothing arrived and the connection is not closed: the server still holds it. */
    private static boolean isOpen(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException open) {
            return true;
        } catch (SocketException reset) {
            return false;
        }
    }

    /** True once the server closed the connection (end of stream or a reset), false on the socket's timeout. */
    private static boolean readsEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer (none is expected) is skipped
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Sends {@code request} on a new connection and returns the answer's head, lower-cased header names included. */
    private String exchange(int port, String request) throws IOException {
        Socket socket = clients.connect(port, "127.0.0.1");
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(ascii(request));
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        String text = head.toString();
        int firstLine = text.indexOf("\r\n");
        return firstLine < 0 ? text : text.substring(0, firstLine) + text.substring(firstLine).toLowerCase();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
