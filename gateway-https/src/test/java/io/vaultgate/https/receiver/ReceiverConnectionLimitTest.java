package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.forward.ForwardProtocol;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's cap on connections per client address: an unauthenticated peer cannot make it hold (and do the
 * TLS handshake of) more than {@code --max-connections-per-ip} connections at once.
 */
class ReceiverConnectionLimitTest {

    private static final int CAP = 2;

    @TempDir
    Path home;
    private ReceiverFixture fixture;
    private SSLContext gateway;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ReceiverFixture(home);
        fixture.startReceiver(settings -> settings.withMaxConnectionsPerAddress(CAP));
        gateway = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        fixture.close();
    }

    /**
     * The cap is filled with forwarding requests in flight ({@link #heldPut}): a connection that only completed its
     * handshake waits for a request head, and gives its place to a new connection of its address once it has waited
     * 2 s ({@code ConnectionLimit.EVICTABLE_AFTER}), which a loaded machine can take between the handshakes.
     */
    @Test
    void connectionOverTheCap_isClosedBeforeTls_andOneClosedMakesRoomForANewOne() throws Exception {
        SSLSocket first = heldPut("f_1");
        heldPut("f_2");

        Socket over = plain();
        over.setSoTimeout(10_000);
        assertThat(over.getInputStream().read()).as("closed at once, not even a TLS alert sent").isEqualTo(-1);
        Socket overTls = plain();
        assertThatThrownBy(() -> tls(overTls).startHandshake()).as("no handshake over the cap")
                .isInstanceOf(IOException.class);

        first.close();
        SSLSocket again = null;
        for (long deadline = System.nanoTime() + 10_000_000_000L; again == null; ) {
            try {
                again = handshaken(); // the receiver sees the close a moment later
            } catch (IOException stillFull) {
                assertThat(System.nanoTime()).as("room made within 10 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        again.setSoTimeout(300);
        SSLSocket held = again;
        assertThatThrownBy(() -> held.getInputStream().read()).as("held open, waiting for a request")
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void theDefaultCap_isTheGatewayListenersDefault() {
        assertThat(ReceiverSettings.of(ReceiverFixture.SITE, new java.net.InetSocketAddress("127.0.0.1", 0), home,
                List.of(fixture.gatewayCa.certificate())).maxConnectionsPerAddress()).isEqualTo(64);
        assertThatThrownBy(() -> ReceiverSettings.of(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0), home,
                List.of(fixture.gatewayCa.certificate())).withMaxConnectionsPerAddress(0))
                .hasMessageStartingWith("--max-connections-per-ip: must be at least 1");
    }

    /** A connection with the gateway's mutual TLS handshake done: the receiver holds it. */
    private SSLSocket handshaken() throws IOException {
        SSLSocket socket = tls(plain());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /**
     * A connection holding its place with a forwarding request in flight: the head of a one-byte PUT of file
     * {@code key} sent, its {@code 100 Continue} read (the receiver has the whole head), the byte held back.
     */
    private SSLSocket heldPut(String key) throws Exception {
        SSLSocket socket = handshaken();
        byte[] body = {1};
        socket.getOutputStream().write(("PUT /files/" + key + " HTTP/1.1\r\nHost: site\r\n"
                + ForwardProtocol.IDEMPOTENCY_KEY + ": " + key + "\r\n"
                + ForwardProtocol.REPR_DIGEST + ": " + ForwardProtocol.reprDigest(RawPut.sha256(body)) + "\r\n"
                + ForwardProtocol.TENANT + ": acme\r\n" + ForwardProtocol.ACCOUNT + ": acme-upload\r\n"
                + ForwardProtocol.PATH + ": " + ForwardProtocol.encodePath("/inbox/" + key) + "\r\n"
                + "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(status).as("the held PUT of %s: its head taken", key).isEqualTo("HTTP/1.1 100");
        return socket;
    }

    private SSLSocket tls(Socket socket) throws IOException {
        SSLSocket tls = (SSLSocket) gateway.getSocketFactory().createSocket(socket, "127.0.0.1",
                fixture.receiver.address().getPort(), true);
        sockets.add(tls);
        return tls;
    }

    private Socket plain() throws IOException {
        Socket socket = new Socket("127.0.0.1", fixture.receiver.address().getPort());
        sockets.add(socket);
        return socket;
    }
}
