package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's own defences and meters, with real TLS clients from distinct loopback addresses: a banned
 * address is closed as it connects, before any TLS work, while another address is served; paths that try to
 * leave the namespace score against their source until it is banned; open connections show on the gauge.
 */
class ListenerDefenseIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private MeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        registry = gateway.core().metrics().registry();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void bannedAddress_isClosedBeforeTheTlsHandshake_whileAnotherIsServed() throws Exception {
        gateway.core().incidents().defender().ban("127.0.0.2", "test", "admin:test");

        try (Socket banned = rawFrom("127.0.0.2")) {
            // no ClientHello sent: only a refusal at connect time closes the connection this early
            assertThat(closedWithoutAByte(banned, 3_000)).as("banned address closed at once").isTrue();
        }
        try (Socket other = rawFrom("127.0.0.3")) {
            assertThat(closedWithoutAByte(other, 1_000)).as("another address waits for its ClientHello").isFalse();
        }
        try (SSLSocket tls = tlsFrom("127.0.0.2")) {
            assertThat(handshakes(tls)).as("a real TLS client from the banned address").isFalse();
        }
        try (SSLSocket tls = tlsFrom("127.0.0.3")) {
            assertThat(handshakes(tls)).isTrue();
        }
        assertThat(registry.get("vaultgate.defender.refused").tag("stage", "connect").counter().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void openConnections_areOnTheGauge_untilClosed() throws Exception {
        List<SSLSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SSLSocket socket = tlsFrom("127.0.0.1");
                assertThat(handshakes(socket)).isTrue();
                open.add(socket);
            }
            assertThat(eventually(this::openGauge, 3)).isEqualTo(3);
            assertThat(registry.get("vaultgate.https.connections").counter().count()).isEqualTo(3);
        } finally {
            for (SSLSocket socket : open) {
                socket.close();
            }
        }
        assertThat(eventually(this::openGauge, 0)).isZero();
    }

    @Test
    void pathEscapesFromOneAddress_banIt_whileAnotherGoesOn() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        String bearer = "Authorization: Bearer " + gateway.token();
        String[] escapes = {"/v1/files/../../x", "/v1/files/%2e%2e/%2e%2e/etc/passwd", "/v1/files/inbox/%00x",
                "/v1/files/inbox/a%5c..%5cb", "/v1/files/inbox/../../../x"};

        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 8; attempt++) {
            statuses.add(curl.run("--path-as-is", "--interface", "127.0.0.4", "-H", bearer,
                    gateway.url(escapes[attempt % escapes.length])).status());
        }

        // 3 points each against a threshold of 15: five 400s, then refused before TLS (no HTTP status)
        assertThat(statuses).containsExactly(400, 400, 400, 400, 400, 0, 0, 0);
        assertThat(gateway.core().incidents().defender().activeBans()).extracting(Ban::address)
                .containsExactly("127.0.0.4");
        assertThat(curl.run("--interface", "127.0.0.5", "-H", bearer, gateway.url("/v1/files/inbox/")).status())
                .as("another address").isEqualTo(200);
    }

    @Test
    void otherInvalidPaths_doNotScore() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        String bearer = "Authorization: Bearer " + gateway.token();

        for (int attempt = 0; attempt < 8; attempt++) {
            assertThat(curl.run("--interface", "127.0.0.6", "-H", bearer, gateway.url("/v1/files/inbox/name.")).status())
                    .isEqualTo(400);
        }
        assertThat(gateway.core().incidents().defender().activeBans()).isEmpty();
    }

    private int openGauge() {
        return (int) registry.get("vaultgate.https.connections.open").gauge().value();
    }

    private static int eventually(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int now = value.getAsInt();
        while (now != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = value.getAsInt();
        }
        return now;
    }

    private Socket rawFrom(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        return socket;
    }

    private SSLSocket tlsFrom(String source) throws IOException {
        SSLSocket socket = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket(InetAddress.getByName("127.0.0.1"), gateway.port(), InetAddress.getByName(source), 0);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static boolean handshakes(SSLSocket socket) {
        try {
            socket.startHandshake();
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** True if the server closed (or reset) the connection within {@code millis} without sending anything. */
    private static boolean closedWithoutAByte(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
