package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.https.TlsMaterial;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that trickle (slowloris): a request head or body sent a byte at a time, each byte well inside the idle
 * timeout, must not hold a connection (and its temporary file) for ever. Real sockets over mutual TLS; the receiver
 * runs with a 2 s idle timeout and a minimum body rate of 1000 bytes/s.
 */
class SlowClientsTest {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final long MIN_RATE = 1000;

    @TempDir
    Path home;
    private ReceiverFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ReceiverFixture(home);
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new InetSocketAddress("127.0.0.1", 0), fixture.drop,
                List.of(fixture.gatewayCa.certificate()), 1L << 30, IDLE).withMinBodyRate(MIN_RATE),
                TlsMaterial.of(fixture.receiverCertificate.privateKey(), fixture.receiverCertificate.chain()));
        // The first TLS handshake of a JVM loads and initialises the TLS classes, which on a loaded machine took
        // longer than the 2 s idle timeout, before the client sent a byte: the receiver closed the connection
        // before the test began. One handshake here does that work outside the tests' timed connections.
        try (SSLSocket warmUp = connect()) {
            warmUp.startHandshake();
        }
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aBodyTricklingBelowTheMinimumRate_isAnswered408_andNothingIsKept() throws Exception {
        byte[] body = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("f_slow", "/inbox/slow", body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread trickle = trickle(out, body); // one byte every 300 ms: 5 minutes for the whole body

            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();

            trickle.interrupt();
            trickle.join(5000);
            assertThat(status).isEqualTo("HTTP/1.1 408 Request Timeout");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/slow"))).isFalse();
        assertThat(count(fixture.drop.resolve(".vaultgate/tmp"))).as("temporary files left").isZero();
    }

    @Test
    void aRequestHeadTricklingIn_isCutOff() throws Exception {
        byte[] head = head("f_slow", "/inbox/slow", new byte[1]).getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        try (SSLSocket socket = connect()) {
            Thread trickle = trickle(socket.getOutputStream(), head);

            int read = readOrClosed(socket);

            trickle.interrupt();
            trickle.join(5000);
            assertThat(read).as("nothing is answered to a head that never completes").isEqualTo(-1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aBodyAboveTheMinimumRate_isReceived() throws Exception {
        byte[] body = "y".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("f_steady", "/inbox/steady", body).getBytes(StandardCharsets.US_ASCII));
            // 512 bytes every 20 ms: at least 2.5 s, past the grace, at up to 25 KiB/s, so that even a loaded
            // machine waking this thread late many times over keeps it above the minimum of 1000 bytes/s
            for (int offset = 0; offset < body.length; offset += 512) {
                out.write(body, offset, 512);
                out.flush();
                Thread.sleep(20);
            }

            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();

            assertThat(status).isEqualTo("HTTP/1.1 201 Created");
        }
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/steady"))).isEqualTo(body);
    }

    private SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate())
                .getSocketFactory().createSocket("127.0.0.1", fixture.receiver.address().getPort());
        socket.setSoTimeout(20_000); // far beyond the limits under test: reaching it fails the test
        return socket;
    }

    /** Sends {@code bytes} one at a time, 300 ms apart, until done, interrupted or the connection ends. */
    private static Thread trickle(OutputStream out, byte[] bytes) {
        Thread thread = new Thread(() -> {
            try {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException ended) {
                // the receiver cut us off, or the test is over
            }
        }, "trickle");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The first byte read, or -1 once the receiver ended the connection (a reset counts as ended). */
    private static int readOrClosed(SSLSocket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketTimeoutException stillOpen) {
            throw stillOpen;
        } catch (IOException reset) {
            return -1;
        }
    }

    private static String head(String key, String path, byte[] body) throws Exception {
        return "PUT /files/" + key + " HTTP/1.1\r\nHost: site\r\nIdempotency-Key: " + key + "\r\nRepr-Digest: "
                + ForwardProtocol.reprDigest(RawPut.sha256(body)) + "\r\nVaultgate-Tenant: acme\r\n"
                + "Vaultgate-Account: acme-upload\r\nVaultgate-Path: "
                + path + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    }

    private static long count(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
