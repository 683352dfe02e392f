package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A site that accepts connections but drips its side of the TLS handshake (a byte at a time, each within the
 * read timeout) must not hold a worker: the whole handshake is bounded by the connect timeout, else such a
 * site keeps its share of the node's workers (all of them, with a few such sites) for ever.
 */
class SlowHandshakeTest extends StubSiteTest {

    @Test
    void siteThatDripsItsHandshake_failsTheAttemptWithinTheConnectTimeout() throws Exception {
        try (ServerSocket dripping = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> drip(dripping), "dripping-site");
            server.setDaemon(true);
            server.start();
            fixture.configure(URI.create("https://127.0.0.1:" + dripping.getLocalPort()));
            forwarder.close();
            forwarder = fixture.forwarder("node-a", new ForwarderSettings(4, Duration.ofMinutes(10),
                    Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30), 1024 * 1024));
            FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(StandardCharsets.UTF_8));
            ForwardJob job = fixture.outbox.claim(ForwardFixture.SITE, "node-a", 1, Duration.ofMinutes(10),
                    fixture.clock.instant()).get(0);

            DeliveryOutcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> forwarder.run(job));

            assertThat(outcome).isInstanceOfSatisfying(Failed.class, failed -> {
                assertThat(failed.kind()).isEqualTo(Kind.NETWORK);
                assertThat(failed.message()).contains("handshake");
            });
            assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
            server.interrupt();
        }
    }

    /** Accepts connections and sends the start of a TLS record, then one byte every 500 ms. */
    private static void drip(ServerSocket listening) {
        while (!listening.isClosed()) {
            try (Socket client = listening.accept()) {
                OutputStream out = client.getOutputStream();
                out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // a handshake record of 16 KiB follows ...
                out.flush();
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(500);
                    out.write(0x02); // ... slowly
                    out.flush();
                }
                return;
            } catch (Exception closed) {
                // the client gave up, or the test ended
            }
        }
    }
}
