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
 * {@code sftp.max-connections} and {@code https.max-connections} reach the listeners {@code vaultgate run} starts:
 * at 1 each, a second connection from another address is closed unanswered.
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
