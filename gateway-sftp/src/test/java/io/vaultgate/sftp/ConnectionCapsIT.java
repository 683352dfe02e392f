package io.vaultgate.sftp;

import static io.vaultgate.core.testing.TestSockets.closedAmong;
import static io.vaultgate.core.testing.TestSockets.connect;
import static io.vaultgate.core.testing.TestSockets.isClosed;
import static io.vaultgate.core.testing.TestSockets.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.sftp.fs.SessionThreads;
import io.vaultgate.sftp.proxy.ProxyTrust;
import io.vaultgate.sftp.testing.TestHostKeys;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SFTP listener's connection caps on real sockets: {@code sftp.max-connections} over every source together,
 * refused before the server says a word of SSH; and the per-source cap counting an IPv6 client's whole /64, shown
 * with a trusted balancer's PROXY headers naming addresses of one /64 (loopback has no second IPv6 address); each
 * refusal counted in {@code vaultgate.sftp.connections.refused} by reason.
 */
class ConnectionCapsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String CLIENT_HELLO = "SSH-2.0-OpenSSH_9.2\r\n";

    @RegisterExtension
    static final TestSftpGateway twoInAll = TestSftpGateway.withSettings(settings -> settings.withLimits(
            SftpLimits.defaults().withMaxConnections(2)));

    @RegisterExtension
    static final TestSftpGateway twoPerSource = TestSftpGateway.withSettings(settings -> settings
            .withLimits(new SftpLimits(3, Duration.ofSeconds(30), Duration.ofMinutes(1), 8, 10, 2))
            .withProxies(new ProxyTrust(List.of(Cidr.parse("127.0.0.1/32")))));

    @Test
    void pastMaxConnections_aConnectionFromAnySourceIsClosedUnanswered_andCounted_untilOneCloses() throws Exception {
        int port = twoInAll.port();
        try (Socket first = connect("127.0.0.1", port); Socket second = connect("127.0.0.2", port)) {
            assertThat(identification(first)).startsWith("SSH-2.0-" + SftpServerFactory.IDENTIFICATION);
            assertThat(identification(second)).as("another source, same listener")
                    .startsWith("SSH-2.0-" + SftpServerFactory.IDENTIFICATION);

            try (Socket third = connect("127.0.0.3", port)) {
                assertThat(readUntilClosed(third, PATIENCE)).as("closed before the identification line").isEmpty();
            }
            assertThat(twoInAll.meters().counter("vaultgate.sftp.connections.refused", "reason", "max_connections")
                    .count()).isEqualTo(1.0);

            first.close();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            String answer = "";
            while (!answer.startsWith("SSH-2.0-") && System.nanoTime() < deadline) {
                try (Socket again = connect("127.0.0.3", port)) {
                    answer = identification(again);
                }
                if (!answer.startsWith("SSH-2.0-")) {
                    Thread.sleep(100);
                }
            }
            assertThat(answer).as("the place of the closed connection is free again").startsWith("SSH-2.0-");
        }
    }

    @Test
    void addressesOfOneIpv6Slash64_shareThePerSourceCap_whileAnother64IsApart() throws Exception {
        int port = twoPerSource.port();
        List<Socket> sameNetwork = new ArrayList<>();
        try {
            for (String client : List.of("2001:db8:0:7::1", "2001:db8:0:7::2", "2001:db8:0:7:ffff::3")) {
                sameNetwork.add(viaBalancer(client, port));
            }
            // which of the three is refused depends on the order the server reads their headers
            List<Socket> closed = closedAmong(sameNetwork, PATIENCE);
            assertThat(closed).as("connections of 2001:db8:0:7::/64 closed, at a cap of 2").hasSize(1);
            for (Socket socket : sameNetwork) {
                if (!closed.contains(socket)) {
                    assertThat(isClosed(socket, Duration.ofMillis(500))).as("within the cap").isFalse();
                }
            }
            try (Socket otherNetwork = viaBalancer("2001:db8:0:8::1", port)) {
                assertThat(isClosed(otherNetwork, Duration.ofSeconds(1))).as("2001:db8:0:8::/64").isFalse();
            }
        } finally {
            for (Socket socket : sameNetwork) {
                socket.close();
            }
        }
    }

    @Test
    void pastThePerSourceCap_aConnectionIsClosed_andCountedByItsReason() throws Exception {
        int port = twoPerSource.port();
        double before = refused(twoPerSource, "max_connections_per_source");
        try (Socket first = connect("127.0.0.5", port); Socket second = connect("127.0.0.5", port)) {
            assertThat(identification(first)).startsWith("SSH-2.0-");
            assertThat(identification(second)).startsWith("SSH-2.0-");
            try (Socket third = connect("127.0.0.5", port)) {
                assertThat(isClosed(third, PATIENCE)).as("a third connection from 127.0.0.5").isTrue();
            }
            assertThat(refused(twoPerSource, "max_connections_per_source") - before).isEqualTo(1.0);
            assertThat(refused(twoPerSource, "max_connections")).isZero();
            try (Socket otherSource = connect("127.0.0.6", port)) {
                assertThat(identification(otherSource)).as("another source").startsWith("SSH-2.0-");
            }
        }
    }

    /**
     * The listener's cap comes with the server {@link SftpServerFactory} builds, as its other limits do, not only
     * with the one {@link SftpFrontEnd} starts.
     */
    @Test
    void aServerTheFactoryBuilds_holdsItsMaxConnections(@TempDir Path directory) throws Exception {
        SftpSettings settings = SftpSettings.loopback(TestHostKeys.in(directory.resolve("hostkeys")))
                .withLimits(SftpLimits.defaults().withMaxConnections(1));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        GatewayCore core = twoInAll.core();
        SshServer server = SftpServerFactory.create(settings, core.authenticator(), core.files(), core.ingest(),
                meters, new SessionThreads());
        server.start();
        try (Socket first = connect("127.0.0.1", server.getPort())) {
            assertThat(identification(first)).startsWith("SSH-2.0-" + SftpServerFactory.IDENTIFICATION);
            try (Socket second = connect("127.0.0.2", server.getPort())) {
                assertThat(readUntilClosed(second, PATIENCE)).as("closed before the identification line").isEmpty();
            }
            assertThat(meters.counter("vaultgate.sftp.connections.refused", "reason", "max_connections").count())
                    .isEqualTo(1.0);
        } finally {
            server.stop(true);
        }
    }

    private static double refused(TestSftpGateway gateway, String reason) {
        return gateway.meters().counter("vaultgate.sftp.connections.refused", "reason", reason).count();
    }

    /** A connection from the trusted balancer (127.0.0.1) whose PROXY v1 header names {@code client}. */
    private static Socket viaBalancer(String client, int port) throws IOException {
        Socket socket = connect("127.0.0.1", port);
        socket.getOutputStream().write(("PROXY TCP6 " + client + " 2001:db8::ffff 40000 " + port + "\r\n"
                + CLIENT_HELLO).getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The server's first line, or "" if it closed the connection first. */
    private static String identification(Socket socket) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
        } catch (IOException reset) {
            // closed: what was read so far
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
