package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-address connection cap and the slow-header timeout, on a real listener. */
class ClientLimitsIT {

    @TempDir
    Path dir;

    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir, s -> s.withClientLimits(Duration.ofSeconds(2), 2));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void connectionsOverTheCap_areClosed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(new Socket("127.0.0.1", gateway.port()));
            }
            Thread.sleep(300);
            int closed = 0;
            for (Socket socket : sockets) {
                socket.setSoTimeout(200);
                try {
                    if (socket.getInputStream().read() == -1) {
                        closed++;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // within the cap: open, waiting for a TLS ClientHello
                }
            }
            // which one of the three is refused depends on accept order; the 2 s header timeout has not run
            assertThat(closed).isEqualTo(1);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aBodyTricklingIn_isCutOff_andNothingIsStored() throws Exception {
        long started = System.nanoTime();
        boolean cutOff = false;
        try (SSLSocket socket = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", gateway.port())) {
            socket.startHandshake();
            socket.setSoTimeout(100);
            var out = socket.getOutputStream();
            out.write(("PUT /v1/files/inbox/slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gateway.token()
                    + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 40 && !cutOff; i++) { // 10 bytes every 250 ms: 40 B/s, for at most 10 s
                try {
                    out.write(new byte[10]);
                    out.flush();
                    cutOff = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    Thread.sleep(150);
                } catch (IOException closed) {
                    cutOff = true;
                }
            }
        }
        assertThat(cutOff).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(gateway.core().files().list(gateway.principal(), io.vaultgate.core.path.PathPolicy.parse("/inbox")))
                .noneMatch(entry -> entry.name().equals("slow.bin"));
    }

    @Test
    void headersTricklingInPastTheTimeout_closeTheConnection() throws Exception {
        try (SSLSocket socket = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            socket.getOutputStream().write("GET /v1/files/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (IOException closed) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1000),
                    Duration.ofSeconds(5));
        }
    }
}
