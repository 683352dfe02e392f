package io.vaultgate.https.http;

import static io.vaultgate.core.testing.TestSockets.closedUnanswered;
import static io.vaultgate.core.testing.TestSockets.isClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.metrics.HttpsConnections;
import io.vaultgate.https.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code https.keep-alive-timeout} on real TLS connections over loopback: a connection with no request in flight that
 * sends nothing for the keep-alive timeout is closed (one that only completed the TLS handshake too), and its place
 * in its source's connection cap is free again; kept-alive answers advertise the timeout ({@code Keep-Alive});
 * what is in flight is never cut by it: a body sent with pauses longer than the timeout (a PUT, a tus PATCH), a
 * download read slowly, an answer that waits on the blocking executor, pipelined and back-to-back requests. The
 * request-head deadline is 5 minutes here, so only the keep-alive timeout can close a connection this soon.
 *
 * <p>The tests run at once ({@link Execution}): each has its own server, core and temporary directory and random
 * ports, and most of their time is spent waiting out timeouts.
 */
@Execution(ExecutionMode.CONCURRENT)
class HttpsKeepAliveTimeoutTest {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);
    /** What "soon after the keep-alive timeout" means here: a loaded machine's timers and handshakes run late. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    /** The request-head deadline: no test waits for it. */
    private static final Duration NO_HEAD_DEADLINE = Duration.ofMinutes(5);
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int PER_SOURCE = 4;
    private static final String TENANT = "acme";
    private static final String USER = "alice";

    @TempDir
    Path dir;
    private final List<Socket> sockets = new ArrayList<>();
    private TestCore core;
    private HttpsServer server;
    private TestTls tls;
    private String token;
    private SlowTokens tokens;
    private ClientPrincipal alice;

    @AfterEach
    void stop() throws IOException {
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

    /**
     * With a 2 s timeout. While the cap is tested, each held connection has a request in flight (a PUT whose one-byte
     * body is held back after its {@code 100 Continue}): an idle one could be closed by the keep-alive timeout, or give
     * its place to the newcomer after waiting 2 s ({@link ConnectionLimit#EVICTABLE_AFTER}), on a machine loaded enough
     * to take that long over the four handshakes. Then the bodies are sent, and the idle connections are closed.
     */
    @Test
    void idleKeptAliveConnections_areClosedAfterTheKeepAliveTimeout_andTheirSourceIsAcceptedAgain() throws Exception {
        Duration keepAlive = Duration.ofSeconds(2);
        start(keepAlive);
        // the first TLS handshake and request of a fresh server are slow
        assertThat(exchange(tlsConnect("127.0.0.40"), get("/v1/files/")).status()).isEqualTo(200);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < PER_SOURCE; i++) {
            Socket socket = tlsConnect("127.0.0.41");
            socket.getOutputStream().write(("PUT /v1/files/inbox/held-" + i + ".bin HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + token + "\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(read(socket).status()).as("the informational answer").isEqualTo(100);
            held.add(socket);
        }
        assertThat(closedUnanswered(plainConnect("127.0.0.41"), PATIENCE)).as("the source's cap is full").isTrue();
        assertThat(core.core().metrics().registry().counter("vaultgate.https.connections.refused", "reason",
                "max_connections_per_source").count()).as("refused for the cap, not closed idle").isEqualTo(1.0);
        assertThat(core.core().metrics().registry().counter("vaultgate.https.connections.evicted").count())
                .as("no connection with a request in flight gives its place").isZero();
        for (Socket socket : held) {
            socket.getOutputStream().write(1);
            socket.getOutputStream().flush();
            assertThat(read(socket).status()).as("stored").isEqualTo(201);
        }
        long answered = System.nanoTime();

        for (Socket socket : held) {
            assertThat(isClosed(socket, keepAlive.plus(SLACK))).as("closed after the keep-alive timeout").isTrue();
        }
        assertThat(since(answered)).as("at the keep-alive timeout, not the request-head deadline")
                .isLessThan(keepAlive.plus(SLACK).plus(SLACK));
        assertThat(exchange(tlsConnect("127.0.0.41"), get("/v1/files/")).status())
                .as("the source's places are free again").isEqualTo(200);
    }

    @Test
    void aConnectionThatNeverSendsAByte_isClosedAfterTheKeepAliveTimeout() throws Exception {
        start();
        long opened = System.nanoTime();
        Socket silent = plainConnect("127.0.0.42");

        assertThat(closedUnanswered(silent, PATIENCE)).isTrue();
        assertThat(since(opened)).isLessThan(KEEP_ALIVE.plus(SLACK).plus(SLACK));
    }

    /**
     * A client that completes the TLS handshake and then sends nothing (a browser's preconnect, or an attacker
     * holding its source's places) is closed after the keep-alive timeout: the handshake's bytes are not a request
     * under way. Before, they stopped the clock for good and only the request-head deadline (5 minutes here) closed it.
     */
    @Test
    void aConnectionThatOnlyCompletesTheTlsHandshake_isClosedAfterTheKeepAliveTimeout() throws Exception {
        start();
        Socket handshaken = tlsConnect("127.0.0.47");
        long done = System.nanoTime();

        assertThat(closedUnanswered(handshaken, PATIENCE)).as("closed, and before the request-head deadline").isTrue();
        assertThat(since(done)).as("at the keep-alive timeout").isLessThan(KEEP_ALIVE.plus(SLACK).plus(SLACK));
    }

    /**
     * A kept-alive answer tells the client how long the connection may stay idle ({@code Keep-Alive: timeout=2},
     * whole seconds, as Apache does), so that a client pooling connections longer does not reuse one being closed; an
     * answer closing its connection does not.
     */
    @Test
    void keptAliveAnswers_advertiseTheTimeout_andAnAnswerClosingTheConnectionDoesNot() throws Exception {
        start(Duration.ofSeconds(2));
        Socket socket = tlsConnect("127.0.0.48");

        Response kept = exchange(socket, get("/v1/files/"));
        assertThat(kept.status()).isEqualTo(200);
        assertThat(header(kept, "Keep-Alive")).isEqualTo("timeout=2");
        Response missing = exchange(socket, get("/v1/files/inbox/no-such-file"));
        assertThat(missing.status()).as("an error answer on a kept-alive connection").isEqualTo(404);
        assertThat(header(missing, "Keep-Alive")).isEqualTo("timeout=2");

        Response closing = exchange(socket,
                get("/v1/files/").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
        assertThat(closing.status()).isEqualTo(200);
        assertThat(header(closing, "Connection")).isEqualToIgnoringCase("close");
        assertThat(closing.head().toLowerCase(Locale.ROOT)).doesNotContain("keep-alive");
    }

    /**
     * A PUT whose body comes in three pieces 1.5 s apart (pauses longer than the keep-alive timeout), after a
     * {@code 100 Continue}, is stored in full; once answered, its connection is idle and closed after the timeout.
     */
    @Test
    void aSlowSteadyUpload_longerThanTheTimeout_completes_andItsConnectionIsClosedOnceIdle() throws Exception {
        start();
        Socket socket = tlsConnect("127.0.0.43");
        OutputStream out = socket.getOutputStream();
        int piece = 8 * 1024;
        out.write(("PUT /v1/files/inbox/slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nExpect: 100-continue\r\nContent-Length: " + 3 * piece + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Response informational = read(socket);
        assertThat(informational.status()).as("the informational answer").isEqualTo(100);
        assertThat(informational.head().toLowerCase(Locale.ROOT)).as("not the request's answer")
                .doesNotContain("keep-alive");
        for (int i = 0; i < 3; i++) {
            Thread.sleep(KEEP_ALIVE.toMillis() + 500);
            out.write(new byte[piece]);
            out.flush();
        }
        Response stored = read(socket);
        long answered = System.nanoTime();

        assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
        assertThat(core.core().files().list(alice, PathPolicy.parse("/inbox")))
                .anyMatch(entry -> entry.name().equals("slow.bin") && entry.size() == 3 * piece);
        assertThat(isClosed(socket, KEEP_ALIVE.plus(SLACK))).as("idle after the answer").isTrue();
        assertThat(since(answered)).isLessThan(KEEP_ALIVE.plus(SLACK).plus(SLACK));
    }

    /**
     * A tus upload created and then PATCHed on the same connection, its PATCH body coming in three pieces 2.5 s
     * apart, is complete; the connection goes once idle after the answer. A timeout of 2 s here: the PATCH follows
     * the creation's answer on its connection, as tus clients send it, which a loaded machine may delay.
     */
    @Test
    void aTusPatchStreamingSlowly_longerThanTheTimeout_completes() throws Exception {
        Duration keepAlive = Duration.ofSeconds(2);
        start(keepAlive);
        Socket socket = tlsConnect("127.0.0.47");
        int piece = 8 * 1024;
        String metadata = "path " + Base64.getEncoder().encodeToString("inbox/tus.bin".getBytes(StandardCharsets.UTF_8));
        Response created = exchange(socket, "POST /v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nTus-Resumable: 1.0.0\r\nUpload-Length: " + 3 * piece + "\r\nUpload-Metadata: " + metadata
                + "\r\nContent-Length: 0\r\n\r\n");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String location = header(created, "location");
        String upload = location.substring(location.indexOf("/v1/uploads/"));

        OutputStream out = socket.getOutputStream();
        out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                + "\r\nContent-Length: " + 3 * piece + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 3; i++) {
            out.flush();
            Thread.sleep(keepAlive.toMillis() + 500);
            out.write(new byte[piece]);
        }
        out.flush();
        Response patched = read(socket);
        long answered = System.nanoTime();

        assertThat(patched.status()).as(patched.toString()).isEqualTo(204);
        assertThat(header(patched, "upload-offset")).isEqualTo(String.valueOf(3 * piece));
        assertThat(isClosed(socket, keepAlive.plus(SLACK))).as("idle after the answer").isTrue();
        assertThat(since(answered)).isLessThan(keepAlive.plus(SLACK).plus(SLACK));
    }

    /** A 4 MiB download read 64 KiB every 100 ms through a small receive buffer (~6 s) is not cut. */
    @Test
    void aDownloadReadSlowly_longerThanTheTimeout_completes() throws Exception {
        start();
        byte[] content = new byte[4 << 20];
        new Random(7).nextBytes(content);
        Socket upload = tlsConnect("127.0.0.44");
        upload.getOutputStream().write(("PUT /v1/files/inbox/big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token + "\r\nContent-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        upload.getOutputStream().write(content);
        assertThat(read(upload).status()).isEqualTo(201);

        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        SSLSocket download = tlsOver(socket, "127.0.0.44");
        download.getOutputStream().write(get("/v1/files/inbox/big.bin").getBytes(StandardCharsets.US_ASCII));
        long started = System.nanoTime();
        Response response = read(download, 64 * 1024, 100);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);
        assertThat(since(started)).as("the download outlasted the keep-alive timeout").isGreaterThan(KEEP_ALIVE);
    }

    /** A request whose token check takes 2.5 s on the blocking executor is answered, on its own connection. */
    @Test
    void anAnswerHeldOnTheBlockingExecutor_longerThanTheTimeout_isAnswered() throws Exception {
        start();
        Socket socket = tlsConnect("127.0.0.45");
        tokens.delay = Duration.ofMillis(2500);
        long sent = System.nanoTime();

        Response response = exchange(socket, get("/v1/files/"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(since(sent)).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        tokens.delay = Duration.ZERO;
    }

    /**
     * Three requests written at once are all answered on their connection; then eight more, each sent 500 ms after
     * the previous answer (4 s in all, longer than the keep-alive timeout of 2 s here, which leaves a loaded machine
     * 1.5 s to run each pause late), are too: the clock restarts at each answer.
     */
    @Test
    void pipelinedAndBackToBackRequests_onOneConnection_areAllAnswered() throws Exception {
        start(Duration.ofSeconds(2));
        Socket socket = tlsConnect("127.0.0.46");
        socket.getOutputStream().write((get("/v1/files/") + get("/v1/files/") + get("/v1/files/"))
                .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 3; i++) {
            assertThat(read(socket).status()).as("pipelined request " + i).isEqualTo(200);
        }
        for (int i = 0; i < 8; i++) {
            Thread.sleep(500);
            assertThat(exchange(socket, get("/v1/files/")).status()).as("request " + i + " after a pause")
                    .isEqualTo(200);
        }
    }

    private void start() throws Exception {
        start(KEEP_ALIVE);
    }

    private void start(Duration keepAlive) throws Exception {
        Path home = Files.createDirectories(dir.resolve("core"));
        core = TestCore.create(home);
        alice = core.client(TENANT, USER, Protocol.HTTPS);
        token = core.core().administration().issueAccountToken(USER, "test");
        tls = TestTls.create(dir);
        GatewayCore gateway = core.core();
        tokens = new SlowTokens(gateway.authenticator());
        HttpsSettings settings = HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0)
                .withClientLimits(NO_HEAD_DEADLINE, PER_SOURCE).withKeepAliveTimeout(keepAlive);
        server = HttpsServer.start(settings, new HttpsServices(tokens, gateway.files(), gateway.ingest(),
                gateway.batches(), gateway.receipts())
                .withMeters(HttpsConnections.registeredIn(gateway.metrics().registry())));
    }

    private String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    }

    private Socket plainConnect(String source) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        return socket;
    }

    private SSLSocket tlsConnect(String source) throws IOException {
        return tlsOver(new Socket(), source);
    }

    private SSLSocket tlsOver(Socket socket, String source) throws IOException {
        sockets.add(socket);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        SSLSocket secured = (SSLSocket) tls.clientContext("TLS").getSocketFactory()
                .createSocket(socket, "127.0.0.1", server.port(), true);
        sockets.add(secured);
        secured.setSoTimeout((int) PATIENCE.toMillis());
        secured.startHandshake();
        return secured;
    }

    private static Response exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return read(socket);
    }

    private static Response read(Socket socket) throws IOException {
        return read(socket, Integer.MAX_VALUE, 0);
    }

    /** One answer; its body read {@code chunk} bytes at a time with {@code pauseMillis} between reads. */
    private static Response read(Socket socket, int chunk, long pauseMillis) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        InputStream in = socket.getInputStream();
        String head = head(in);
        int status = Integer.parseInt(head.substring(9, 12));
        String lower = head.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (status / 100 == 1) {
            return new Response(status, head, body.toByteArray());
        }
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                int size = Integer.parseInt(line(in).trim(), 16);
                if (size == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(size));
                line(in);
            }
        } else {
            int at = lower.indexOf("content-length:");
            long length = at < 0 ? 0 : Long.parseLong(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
            while (length > 0) {
                byte[] piece = in.readNBytes((int) Math.min(length, chunk));
                if (piece.length == 0) {
                    throw new EOFException("closed with " + length + " bytes of the body unread");
                }
                body.write(piece);
                length -= piece.length;
                if (pauseMillis > 0 && length > 0) {
                    sleep(pauseMillis);
                }
            }
        }
        return new Response(status, head, body.toByteArray());
    }

    private static String header(Response response, String name) {
        for (String line : response.head().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + response);
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed before a whole answer head; got: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in a chunked body");
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private record Response(int status, String head, byte[] body) {
        @Override
        public String toString() {
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The core's authenticator, whose token checks take {@link #delay} first (on the blocking executor). */
    private static final class SlowTokens implements Authenticator {
        private final Authenticator real;
        volatile Duration delay = Duration.ZERO;

        SlowTokens(Authenticator real) {
            this.real = real;
        }

        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
            return real.byPublicKey(username, fingerprint, protocol, sourceAddress);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress) {
            return real.byPassword(username, password, protocol, sourceAddress);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String sourceAddress) {
            sleep(delay.toMillis());
            return real.byToken(token, protocol, sourceAddress);
        }

        @Override
        public AccessControl access() {
            return real.access();
        }
    }
}
