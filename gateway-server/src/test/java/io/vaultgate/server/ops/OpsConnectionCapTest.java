package io.vaultgate.server.ops;

import static io.vaultgate.core.testing.TestSockets.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.metrics.CheckResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ops listener's connection caps on real sockets: {@code ops.max-connections} over every source together, a
 * connection past it closed unanswered as it is accepted, and the per-address cap; both counted in
 * {@code vaultgate.ops.connections.refused} by reason.
 */
class OpsConnectionCapTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoopbackClients clients = new LoopbackClients();
    private OpsServer server;

    @AfterEach
    void close() throws IOException {
        clients.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pastMaxConnections_aConnectionFromAnySourceIsClosedUnanswered_andCounted_untilOneCloses() throws Exception {
        server = start(new OpsSettings("127.0.0.1", 0, Duration.ZERO).withMaxConnections(2));
        Socket first = connect("127.0.0.2");
        connect("127.0.0.3");
        assertThat(exchange(first)).as("within the cap").startsWith("HTTP/1.1 200 ");

        Socket third = connect("127.0.0.4");
        third.getOutputStream().write(LIVE.getBytes(StandardCharsets.US_ASCII));
        assertThat(readUntilClosed(third, PATIENCE)).as("closed unanswered").isEmpty();
        assertThat(refused("max_connections")).isEqualTo(1.0);
        assertThat(refused("max_connections_per_source")).isZero();

        first.close();
        String answer = "";
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!answer.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline) {
            try (Socket again = new Socket(InetAddress.getLoopbackAddress(), server.port(),
                    InetAddress.getByName("127.0.0.4"), 0)) {
                answer = exchange(again);
            } catch (IOException closed) {
                answer = "";
            }
            if (!answer.startsWith("HTTP/1.1 200 ")) {
                Thread.sleep(100);
            }
        }
        assertThat(answer).as("the place of the closed connection is free again").startsWith("HTTP/1.1 200 ");
    }

    @Test
    void theDefaultCap_holdsTheWorkersAndTheirQueue_withRoomForProbes() {
        assertThat(OpsSettings.defaults().maxConnections()).isEqualTo(100)
                .isGreaterThan(OpsServer.WORKERS + OpsServer.QUEUE + 16);
    }

    @Test
    void pastThePerAddressCap_aConnectionIsClosed_andCountedByItsReason() throws Exception {
        server = start(new OpsSettings("127.0.0.1", 0, Duration.ZERO));
        for (int i = 0; i < OpsServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
            connect("127.0.0.5");
        }
        Socket over = connect("127.0.0.5");
        over.getOutputStream().write(LIVE.getBytes(StandardCharsets.US_ASCII));
        assertThat(readUntilClosed(over, PATIENCE)).isEmpty();
        assertThat(refused("max_connections_per_source")).isEqualTo(1.0);
        assertThat(refused("max_connections")).isZero();
    }

    private OpsServer start(OpsSettings settings) throws IOException {
        OpsServices services = new OpsServices(registry, () -> { }, new RefusingAuthenticator(), () -> {
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

    /** Sends {@code /health/live} and returns the answer's first line. */
    private static String exchange(Socket socket) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        socket.getOutputStream().write(LIVE.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
