package io.vaultgate.https.it;

import static io.vaultgate.core.testing.TestSockets.closedAmong;
import static io.vaultgate.core.testing.TestSockets.isClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.http.ProxyPeers;
import io.vaultgate.https.testing.TestGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener's connection caps on real sockets: {@code https.max-connections} over every source together,
 * closed before TLS and counted; and the per-source cap counting an IPv6 client's whole /64, shown with a trusted
 * balancer's PROXY headers naming addresses of one /64 (loopback has no second IPv6 address).
 */
class ConnectionCapsIT {

    /** Waits on events that take milliseconds, bounded generously for a loaded machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Long enough that only a cap closes a connection in these tests. */
    private static final Duration HEADERS = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private TestGateway gateway;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void pastMaxConnections_aConnectionFromAnySourceIsClosedBeforeTls_andCounted_untilOneCloses() throws Exception {
        start(s -> s.withClientLimits(HEADERS, 64).withMaxConnections(2));
        List<Socket> three = List.of(connect("127.0.0.1"), connect("127.0.0.2"), connect("127.0.0.3"));

        List<Socket> closed = closedAmong(three, PATIENCE);
        assertThat(closed).as("connections closed, 2 of 3 sources in all at a cap of 2").hasSize(1);
        for (Socket socket : three) {
            if (!closed.contains(socket)) {
                assertThat(isClosed(socket, Duration.ofMillis(300))).as("a connection within the cap").isFalse();
            }
        }
        assertThat(refused("max_connections")).isEqualTo(1.0);
        assertThat(refused("max_connections_per_source")).isZero();

        three.stream().filter(socket -> !closed.contains(socket)).findFirst().orElseThrow().close();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        boolean admitted = false;
        while (!admitted && System.nanoTime() < deadline) {
            admitted = !isClosed(connect("127.0.0.4"), Duration.ofMillis(300));
        }
        assertThat(admitted).as("the place of the closed connection is free again").isTrue();
    }

    @Test
    void addressesOfOneIpv6Slash64_shareThePerSourceCap_whileAnother64IsApart() throws Exception {
        start(s -> s.withClientLimits(HEADERS, 2).withProxies(new ProxyPeers(List.of(Cidr.parse("127.0.0.1/32")))));
        List<Socket> sameNetwork = new ArrayList<>();
        for (String client : List.of("2001:db8:0:7::1", "2001:db8:0:7::2", "2001:db8:0:7:ffff::3")) {
            sameNetwork.add(viaBalancer(client));
        }

        List<Socket> closed = closedAmong(sameNetwork, PATIENCE);
        assertThat(closed).as("connections of 2001:db8:0:7::/64 closed, at a cap of 2").hasSize(1);
        for (Socket socket : sameNetwork) {
            if (!closed.contains(socket)) {
                assertThat(isClosed(socket, Duration.ofMillis(300))).as("within the cap").isFalse();
            }
        }
        assertThat(isClosed(viaBalancer("2001:db8:0:8::1"), Duration.ofSeconds(1))).as("2001:db8:0:8::/64").isFalse();
        assertThat(refused("max_connections_per_source")).isEqualTo(1.0);
    }

    private void start(UnaryOperator<HttpsSettings> tweak) throws Exception {
        gateway = TestGateway.start(dir.resolve("gateway"), tweak);
    }

    private double refused(String reason) {
        return gateway.core().metrics().registry().counter("vaultgate.https.connections.refused", "reason", reason)
                .count();
    }

    private Socket connect(String source) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
        return socket;
    }

    /** A connection from the trusted balancer (127.0.0.1) whose PROXY v1 header names {@code client}. */
    private Socket viaBalancer(String client) throws IOException {
        Socket socket = connect("127.0.0.1");
        socket.getOutputStream().write(("PROXY TCP6 " + client + " 2001:db8::ffff 40000 443\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }
}
