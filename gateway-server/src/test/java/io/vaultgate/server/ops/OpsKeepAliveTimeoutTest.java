package io.vaultgate.server.ops;

import static io.vaultgate.core.testing.TestSockets.closedUnanswered;
import static io.vaultgate.core.testing.TestSockets.isClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.MonitorPrincipal;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.tenant.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops.idle-timeout} on real sockets: a connection with no request in flight that sends nothing for the idle
 * timeout is closed, and its places in its source's and the listener's connection caps are free again; a request
 * head being sent slowly is left to the request timeout; a request being answered is never cut, however long it
 * takes, and its connection is closed once it has been idle that long after the answer.
 */
class OpsKeepAliveTimeoutTest {

    private static final Duration IDLE = Duration.ofSeconds(1);
    /** What "soon after the idle timeout" means here: a loaded machine's timers run late. */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String SCRAPE_TOKEN = "scrape-token";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoopbackClients clients = new LoopbackClients();
    private OpsServer server;

    @TempDir
    Path home;

    @AfterEach
    void close() throws IOException {
        clients.close();
        if (server != null) {
            server.close();
        }
    }

    /**
     * A source that holds its 16 connections, each kept alive after an answer, is refused a 17th; once they have been
     * idle for the idle timeout (the request timeout is the default 10 s) the server closes them, and the source's
     * next connection is accepted and answered.
     */
    @Test
    void idleKeptAliveConnections_areClosedAfterTheIdleTimeout_andTheirSourceIsAcceptedAgain() throws Exception {
        server = start(plain().withIdleTimeout(IDLE), () -> { });
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < OpsServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
            Socket socket = connect("127.0.0.21");
            assertThat(statusLine(exchange(socket, LIVE))).startsWith("HTTP/1.1 200 ");
            held.add(socket);
        }
        long answered = System.nanoTime();
        assertThat(closedUnanswered(connect("127.0.0.21"), PATIENCE)).as("the source's cap is full").isTrue();
        assertThat(refused("max_connections_per_source")).isEqualTo(1.0);

        for (Socket socket : held) {
            assertThat(isClosed(socket, IDLE.plus(SLACK))).as("closed after the idle timeout").isTrue();
        }
        assertThat(since(answered)).as("not at the request timeout").isLessThan(IDLE.plus(SLACK).plus(SLACK));
        assertThat(statusLine(exchange(connect("127.0.0.21"), LIVE))).as("the source's places are free again")
                .startsWith("HTTP/1.1 200 ");
    }

    /**
     * With {@code ops.max-connections} 2 held by a kept-alive connection and one that never sent a byte, a third
     * source is refused; both are closed after the idle timeout, and then the third source is served.
     */
    @Test
    void idleConnections_giveTheirPlacesInTheListenersCapBack() throws Exception {
        server = start(plain().withIdleTimeout(IDLE).withMaxConnections(2), () -> { });
        Socket keptAlive = connect("127.0.0.22");
        assertThat(statusLine(exchange(keptAlive, LIVE))).startsWith("HTTP/1.1 200 ");
        Socket silent = connect("127.0.0.23");
        long opened = System.nanoTime();
        assertThat(closedUnanswered(connect("127.0.0.24"), PATIENCE)).as("the listener is full").isTrue();
        assertThat(refused("max_connections")).isEqualTo(1.0);

        assertThat(isClosed(keptAlive, IDLE.plus(SLACK))).as("the kept-alive connection, idle").isTrue();
        assertThat(isClosed(silent, IDLE.plus(SLACK))).as("the connection that sent nothing").isTrue();
        assertThat(since(opened)).isLessThan(IDLE.plus(SLACK).plus(SLACK));
        assertThat(statusLine(exchange(connect("127.0.0.24"), LIVE))).startsWith("HTTP/1.1 200 ");
    }

    /**
     * Idle timeout 1 s, request timeout 3 s. A connection that sends nothing is closed after 1 s; one that trickles a
     * request head a byte every 200 ms, and one that was answered and trickles its next request's head from 100 ms
     * later, are still open after the idle timeout and are cut off at the request timeout.
     */
    @Test
    void aRequestHeadSentSlowly_outlivesTheIdleTimeout_andIsCutOffAtTheRequestTimeout() throws Exception {
        Duration requestTimeout = Duration.ofSeconds(3);
        server = start(plain().withIdleTimeout(IDLE).withRequestTimeout(requestTimeout), () -> { });
        Socket answered = connect("127.0.0.31");
        assertThat(statusLine(exchange(answered, LIVE))).startsWith("HTTP/1.1 200 ");
        long start = System.nanoTime();
        Socket silent = connect("127.0.0.32");
        Socket slow = connect("127.0.0.33");
        clients.trickleHead(slow, Duration.ZERO);
        clients.trickleHead(answered, Duration.ofMillis(100)); // its idle clock runs since its answer: keep the margin wide

        assertThat(isClosed(silent, IDLE.plus(SLACK))).as("the silent connection, at the idle timeout").isTrue();
        Thread.sleep(Math.max(0, IDLE.plusMillis(500).toMillis() - since(start).toMillis()));
        assertThat(isClosed(slow, Duration.ofMillis(50))).as("a head being sent is not idle").isFalse();
        assertThat(isClosed(answered, Duration.ofMillis(50))).as("nor is the next request's head").isFalse();

        assertThat(isClosed(slow, requestTimeout.plus(SLACK))).as("cut off at the request timeout").isTrue();
        assertThat(isClosed(answered, requestTimeout.plus(SLACK))).isTrue();
        assertThat(since(start)).isGreaterThanOrEqualTo(requestTimeout.minusMillis(500))
                .isLessThan(requestTimeout.plus(SLACK).plus(SLACK));
    }

    /**
     * A scrape whose gauges take 2.5 s to refresh (more than twice the idle timeout) is answered in full on its
     * kept-alive connection, which the server then closes once it has been idle for the idle timeout.
     */
    @Test
    void aLongRunningScrape_isAnsweredInFull_andItsConnectionIsClosedIdleAfterTheAnswer() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            Counter.builder("vaultgate.test.padding").tag("n", Integer.toString(i)).register(registry).increment();
        }
        Duration refresh = Duration.ofMillis(2500);
        server = start(plain().withIdleTimeout(IDLE), () -> sleep(refresh));
        Socket socket = connect("127.0.0.41");
        long start = System.nanoTime();
        String answer = exchange(socket, "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SCRAPE_TOKEN
                + "\r\n\r\n");
        long answeredAt = System.nanoTime();

        assertThat(statusLine(answer)).startsWith("HTTP/1.1 200 ");
        assertThat(answer).contains("vaultgate_test_padding_total{n=\"1999\"} 1.0");
        assertThat(Duration.ofNanos(answeredAt - start)).isGreaterThanOrEqualTo(refresh);
        assertThat(isClosed(socket, IDLE.plus(SLACK))).as("closed once idle after its answer").isTrue();
        assertThat(since(answeredAt)).isLessThan(IDLE.plus(SLACK).plus(SLACK));
    }

    /**
     * A client that opens a connection per poll and leaves it open (as a JDK {@code HttpClient} per poll does), five
     * polls a second for 5 s, holds about five connections at a time, within its source's 16: every poll is answered.
     * (With the default idle timeout, 5 s, every poll is answered too, but the source reaches its cap of 16 and the
     * polls over it are let in by evicting connections idle for 2 s: see {@code ConnectionLimit}.)
     */
    @Test
    void aClientThatLeavesAConnectionOpenPerPoll_isAnsweredEveryPoll() throws Exception {
        server = start(plain().withIdleTimeout(IDLE), () -> { });
        long start = System.nanoTime();
        for (int poll = 0; poll < 25; poll++) {
            long due = start + TimeUnit.MILLISECONDS.toNanos(200L * poll); // on schedule even if an answer is late
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
            String answer;
            try {
                answer = exchange(connect("127.0.0.51"), LIVE);
            } catch (IOException refused) {
                answer = refused.toString();
            }
            assertThat(statusLine(answer)).as("poll %d", poll).startsWith("HTTP/1.1 200 ");
        }
        assertThat(refused("max_connections_per_source")).isZero();
    }

    /** Over TLS the idle timeout closes a kept-alive connection too; its answer advertised the timeout. */
    @Test
    void overTls_anIdleKeptAliveConnectionIsClosed() throws Exception {
        SSLContext client = startOverTls();
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            String answer = exchange(socket, LIVE);
            assertThat(statusLine(answer)).startsWith("HTTP/1.1 200 ");
            assertThat(answer).as("the timeout advertised").containsIgnoringCase("\r\nKeep-Alive: timeout=1\r\n");
            long answered = System.nanoTime();
            assertThat(isClosed(socket, IDLE.plus(SLACK))).isTrue();
            assertThat(since(answered)).isLessThan(IDLE.plus(SLACK).plus(SLACK));
        }
    }

    /**
     * A connection that completes the TLS handshake and then sends nothing is closed after the idle timeout: the
     * handshake's records are no request under way (before, they stopped the clock until the request-head deadline).
     */
    @Test
    void overTls_aConnectionThatOnlyCompletesTheHandshakeIsClosed() throws Exception {
        SSLContext client = startOverTls();
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            long handshaken = System.nanoTime();
            assertThat(isClosed(socket, IDLE.plus(SLACK))).isTrue();
            assertThat(since(handshaken)).isLessThan(IDLE.plus(SLACK).plus(SLACK));
        }
    }

    /** Starts {@link #server} with TLS and the idle timeout; returns a client context trusting it. */
    private SSLContext startOverTls() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ops test CA", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC());
        IssuedCertificate leaf = ca.issueServer("ops", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = start(new OpsSettings("127.0.0.1", 0, Duration.ZERO,
                Optional.of(OpsTls.serverContext(leaf.privateKey(), leaf.chain()))).withIdleTimeout(IDLE), () -> { });
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        return client;
    }

    /** {@code ops.idle-timeout} reaches the listener of a running gateway. */
    @Test
    void theConfiguredIdleTimeout_reachesTheListener() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.idle-timeout", "1s"));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.opsPort())) {
            assertThat(statusLine(exchange(socket, LIVE))).startsWith("HTTP/1.1 200 ");
            long answered = System.nanoTime();
            assertThat(isClosed(socket, IDLE.plus(SLACK))).as("closed after 1 s, not the default 5 s").isTrue();
            assertThat(since(answered)).isLessThan(IDLE.plus(SLACK).plus(SLACK));
        }
    }

    private static OpsSettings plain() {
        return new OpsSettings("127.0.0.1", 0, Duration.ZERO);
    }

    private OpsServer start(OpsSettings settings, Runnable beforeScrape) throws IOException {
        OpsServices services = new OpsServices(registry, beforeScrape, new ScrapeTokenAuthenticator(), () -> {
            throw new IllegalStateException("not asked for");
        }, List.of(() -> CheckResult.up("catalog")));
        return OpsServer.start(settings, services, Clock.systemUTC());
    }

    private double refused(String reason) {
        return registry.counter("vaultgate.ops.connections.refused", "reason", reason).count();
    }

    private Socket connect(String from) throws IOException {
        return clients.connect(server.port(), from);
    }

    /**
     * Sends {@code request} and reads one answer: its head and its body ({@code Content-Length}), leaving the connection
     * open; what arrived before the connection closed if it closed early.
     */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.US_ASCII);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    private static String statusLine(String answer) {
        int end = answer.indexOf("\r\n");
        return end < 0 ? answer : answer.substring(0, end);
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Accepts {@link #SCRAPE_TOKEN} as a monitor's, refuses anything else. */
    private static final class ScrapeTokenAuthenticator extends RefusingAuthenticator {

        @Override
        public AuthResult byToken(String token, Protocol protocol, String source) {
            return SCRAPE_TOKEN.equals(token) ? new AuthResult.Success(new MonitorPrincipal("prometheus"))
                    : super.byToken(token, protocol, source);
        }
    }
}
