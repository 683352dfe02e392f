package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sftp.max-connections}, {@code https.max-connections} and {@code ops.max-connections} reach the listeners
 * {@code vaultgate run} starts: at 1 each, a second connection from another address is closed unanswered; and
 * {@code sftp.max-connections-per-source}, {@code https.max-connections-per-source} at 1 close a second connection
 * from the same address, not one from another.
 */
class ListenerCapsApplicationTest {

    @TempDir
    Path home;

    @Test
    void theConfiguredCaps_closeTheConnectionPastThem_onBothListeners() throws Exception {
        Map<String, String> overrides = Map.of("home", home.toString(), "sftp.bind", "127.0.0.1", "sftp.port", "0",
                "https.bind", "127.0.0.1", "https.port", "0", "ops.enabled", "false",
                "sftp.max-connections", "1", "https.max-connections", "1");
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), overrides);
        TestKeystore.seed(config);
        try (VaultgateApplication app = VaultgateApplication.start(config, Map.of());
             Socket sftp = connect("127.0.0.1", app.sftpPort().orElseThrow());
             Socket https = connect("127.0.0.1", app.httpsPort().orElseThrow())) {
            assertThat(firstBytes(sftp)).startsWith("SSH-2.0-");
            assertThat(closedUnanswered(https, 1000)).as("the first HTTPS connection waits for a ClientHello")
                    .isFalse();

            try (Socket secondSftp = connect("127.0.0.2", app.sftpPort().orElseThrow());
                 Socket secondHttps = connect("127.0.0.2", app.httpsPort().orElseThrow())) {
                assertThat(closedUnanswered(secondSftp, 20_000)).isTrue();
                assertThat(closedUnanswered(secondHttps, 20_000)).isTrue();
            }
        }
    }

    @Test
    void theConfiguredPerSourceCaps_closeASecondConnectionFromOneSource_onBothListeners() throws Exception {
        Map<String, String> overrides = Map.of("home", home.toString(), "sftp.bind", "127.0.0.1", "sftp.port", "0",
                "https.bind", "127.0.0.1", "https.port", "0", "ops.enabled", "false",
                "sftp.max-connections-per-source", "1", "https.max-connections-per-source", "1");
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), overrides);
        TestKeystore.seed(config);
        try (VaultgateApplication app = VaultgateApplication.start(config, Map.of());
             Socket sftp = connect("127.0.0.3", app.sftpPort().orElseThrow());
             Socket https = connect("127.0.0.3", app.httpsPort().orElseThrow())) {
            assertThat(firstBytes(sftp)).startsWith("SSH-2.0-");
            assertThat(closedUnanswered(https, 1000)).as("the first HTTPS connection waits for a ClientHello")
                    .isFalse();

            try (Socket secondSftp = connect("127.0.0.3", app.sftpPort().orElseThrow());
                 Socket secondHttps = connect("127.0.0.3", app.httpsPort().orElseThrow());
                 Socket otherSftp = connect("127.0.0.4", app.sftpPort().orElseThrow());
                 Socket otherHttps = connect("127.0.0.4", app.httpsPort().orElseThrow())) {
                assertThat(closed(secondSftp, 20_000)).as("a second SFTP connection from 127.0.0.3").isTrue();
                assertThat(closedUnanswered(secondHttps, 20_000)).as("a second HTTPS connection from 127.0.0.3")
                        .isTrue();
                assertThat(firstBytes(otherSftp)).as("another source").startsWith("SSH-2.0-");
                assertThat(closedUnanswered(otherHttps, 1000)).as("another source").isFalse();
            }
        }
    }

    @Test
    void theConfiguredOpsCap_closesTheConnectionPastIt() throws Exception {
        Map<String, String> overrides = Map.of("home", home.toString(), "sftp.enabled", "false",
                "https.bind", "127.0.0.1", "https.port", "0", "ops.bind", "127.0.0.1", "ops.port", "0",
                "ops.max-connections", "1");
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), overrides);
        TestKeystore.seed(config);
        try (VaultgateApplication app = VaultgateApplication.start(config, Map.of());
             Socket first = connect("127.0.0.1", app.opsPort().orElseThrow())) {
            assertThat(closedUnanswered(first, 1000)).as("the first connection waits for a request").isFalse();
            try (Socket second = connect("127.0.0.2", app.opsPort().orElseThrow())) {
                second.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(closedUnanswered(second, 20_000)).isTrue();
            }
        }
    }

    private static Socket connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    private static String firstBytes(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        byte[] buffer = new byte[64];
        int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    /** True if the server closed {@code socket} within {@code millis}, whatever it sent first. */
    private static boolean closed(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (socket.getInputStream().read() >= 0) {
                // an identification line, perhaps
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** True if the server closed {@code socket} within {@code millis} without sending a byte. */
    private static boolean closedUnanswered(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try {
            int b = socket.getInputStream().read();
            while (b >= 0) {
                sent.write(b);
                b = socket.getInputStream().read();
            }
            return sent.size() == 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return sent.size() == 0;
        }
    }
}
