package io.vaultgate.https.http;

import static io.vaultgate.core.testing.TestSockets.closedAmong;
import static io.vaultgate.core.testing.TestSockets.closedUnanswered;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.metrics.HttpsConnections;
import io.vaultgate.https.testing.TestTls;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At the listener's cap, a new connection that would be refused on its own (its source at its per-source cap; a
 * banned address goes the same way) takes nobody's place (review26b M1). Listener cap 4, per-source cap 1: three
 * honest sources hold one kept-alive connection each, idle 2.5 s; 127.0.0.70 holds its one place with a fresh
 * connection. Its second connection is refused, and before the fix it first took the listener place of an honest
 * idle connection, which was closed for nothing.
 */
class RefusedNewcomerTest {

    @TempDir
    Path dir;
    private final List<Socket> sockets = new ArrayList<>();
    private TestCore core;
    private HttpsServer server;
    private TestTls tls;
    private String token;

    @BeforeEach
    void start() throws Exception {
        core = TestCore.create(Files.createDirectories(dir.resolve("core")));
        core.client("acme", "alice", Protocol.HTTPS);
        token = core.core().administration().issueAccountToken("alice", "test");
        tls = TestTls.create(dir);
        GatewayCore gateway = core.core();
        HttpsSettings settings = HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0)
                .withClientLimits(Duration.ofSeconds(30), 1).withMaxConnections(4);
        server = HttpsServer.start(settings, new HttpsServices(gateway.authenticator(), gateway.files(),
                gateway.ingest(), gateway.batches(), gateway.receipts())
                .withMeters(HttpsConnections.registeredIn(gateway.metrics().registry())));
        try (Socket first = tlsConnect("127.0.0.50")) { // warm-up
            assertThat(exchange(first, get())).startsWith("HTTP/1.1 200");
        }
        Thread.sleep(300);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @Test
    void aNewcomerWhoseSourceIsAtItsCap_isRefusedAtTheListenersCap_closingNoOtherSourcesConnection() throws Exception {
        List<Socket> honest = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            SSLSocket socket = tlsConnect("127.0.0.6" + i);
            assertThat(exchange(socket, get())).startsWith("HTTP/1.1 200"); // then idle, kept alive (5 s)
            honest.add(socket);
        }
        Thread.sleep(2500);
        plainConnect("127.0.0.70"); // the listener's 4th place, its source's only one
        Thread.sleep(100);

        assertThat(closedUnanswered(plainConnect("127.0.0.70"), Duration.ofSeconds(5)))
                .as("127.0.0.70's second connection, past its source's cap of 1").isTrue();

        assertThat(core.core().metrics().registry().counter("vaultgate.https.connections.refused", "reason",
                "max_connections").count()).as("refused at the listener's cap, taking no place").isEqualTo(1.0);
        assertThat(core.core().metrics().registry().counter("vaultgate.https.connections.evicted").count())
                .as("evictions for a connection that was refused anyway").isZero();
        assertThat(closedAmong(honest, Duration.ofSeconds(1))).as("honest connections closed for it").isEmpty();
    }

    private static String get() {
        return "GET /v1/files/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer TOKEN\r\n\r\n";
    }

    private String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.replace("TOKEN", token).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return read(socket);
    }

    private Socket plainConnect(String source) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        return socket;
    }

    private SSLSocket tlsConnect(String source) throws IOException {
        Socket socket = plainConnect(source);
        SSLSocket secured = (SSLSocket) tls.clientContext("TLS").getSocketFactory()
                .createSocket(socket, "127.0.0.1", server.port(), true);
        sockets.add(secured);
        secured.setSoTimeout(20_000);
        secured.startHandshake();
        return secured;
    }

    private static String read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed before a whole answer head; got: " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
