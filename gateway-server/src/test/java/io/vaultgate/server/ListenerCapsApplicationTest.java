package io.vaultgate.server;

import static io.vaultgate.core.testing.TestSockets.closedUnanswered;
import static io.vaultgate.core.testing.TestSockets.connect;
import static io.vaultgate.core.testing.TestSockets.isClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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

    /** How long a connection within the caps is watched, staying open. */
    private static final Duration STILL_OPEN = Duration.ofSeconds(1);
    /** How long the listener may take to close a connection past its cap. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

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
            assertThat(closedUnanswered(https, STILL_OPEN)).as("the first HTTPS connection waits for a ClientHello")
                    .isFalse();

            try (Socket secondSftp = connect("127.0.0.2", app.sftpPort().orElseThrow());
                 Socket secondHttps = connect("127.0.0.2", app.httpsPort().orElseThrow())) {
                assertThat(closedUnanswered(secondSftp, PATIENCE)).isTrue();
                assertThat(closedUnanswered(secondHttps, PATIENCE)).isTrue();
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
            assertThat(closedUnanswered(https, STILL_OPEN)).as("the first HTTPS connection waits for a ClientHello")
                    .isFalse();

            try (Socket secondSftp = connect("127.0.0.3", app.sftpPort().orElseThrow());
                 Socket secondHttps = connect("127.0.0.3", app.httpsPort().orElseThrow());
                 Socket otherSftp = connect("127.0.0.4", app.sftpPort().orElseThrow());
                 Socket otherHttps = connect("127.0.0.4", app.httpsPort().orElseThrow())) {
                assertThat(isClosed(secondSftp, PATIENCE)).as("a second SFTP connection from 127.0.0.3").isTrue();
                assertThat(closedUnanswered(secondHttps, PATIENCE)).as("a second HTTPS connection from 127.0.0.3")
                        .isTrue();
                assertThat(firstBytes(otherSftp)).as("another source").startsWith("SSH-2.0-");
                assertThat(closedUnanswered(otherHttps, STILL_OPEN)).as("another source").isFalse();
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
            assertThat(closedUnanswered(first, STILL_OPEN)).as("the first connection waits for a request").isFalse();
            try (Socket second = connect("127.0.0.2", app.opsPort().orElseThrow())) {
                second.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(closedUnanswered(second, PATIENCE)).isTrue();
            }
        }
    }

    private static String firstBytes(Socket socket) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        byte[] buffer = new byte[64];
        int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }
}
