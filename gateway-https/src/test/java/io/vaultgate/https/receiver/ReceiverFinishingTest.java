package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.crypto.seal.SitePrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of an upload (fsync, opening a sealed envelope, publishing) runs off the event loop: with one
 * event loop for every connection, a file whose end is held up does not stall the others, the connection
 * that sent it reads nothing more until it is answered (answers stay in request order), and a full
 * finishing pool is a 503 that keeps nothing.
 */
class ReceiverFinishingTest {

    @TempDir
    Path home;
    private final SitePrivateKey siteKey = SitePrivateKey.generate(new SecureRandom());
    private ReceiverFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ReceiverFixture(home);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void sealedFileBeingOpened_doesNotStallAnotherConnectionOnTheSameEventLoop() throws Exception {
        HoldingFirstTask finishing = new HoldingFirstTask();
        fixture.startSealedReceiver(siteKey, 1, finishing);
        fixture.test.core().sites().setRecipientKey(ReceiverFixture.SITE, Optional.of(siteKey.publicKey()));
        byte[] content = fixture.randomBytes(8 * 1024 * 1024 + 3);
        FileRecord file = fixture.uploadAndQueue("/inbox/large.bin", content);
        try (Forwarder forwarder = fixture.forwarder("node-a")) {
            CompletableFuture<Integer> sealed = CompletableFuture.supplyAsync(forwarder::runDue);
            assertThat(finishing.held.await(60, TimeUnit.SECONDS)).as("the sealed file reached the pool").isTrue();

            // a plain request, which this sealed-only receiver answers on the event loop the held file came in on
            RawPut other = new RawPut(fixture.endpoint(), fixture.clientCertificate, fixture.siteCa.certificate());
            HttpResponse<String> small = other.put("f_small", "/inbox/small.csv", "id\n1\n".getBytes());

            assertThat(small.statusCode()).as(small.body()).isEqualTo(400);
            assertThat(small.body()).contains("not sealed");
            assertThat(sealed).as("the sealed file is still being finished").isNotDone();
            finishing.release.countDown();
            assertThat(sealed.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/large.bin"))).isEqualTo(content);
    }

    @Test
    void requestPipelinedBehindAFinishingUpload_waitsForIt_andIsAnsweredInOrder() throws Exception {
        HoldingFirstTask finishing = new HoldingFirstTask();
        fixture.startReceiver(1, finishing);
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate())
                .getSocketFactory().createSocket("127.0.0.1", fixture.receiver.address().getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request("f_first", "/inbox/first.txt", first));
            out.write(request("f_second", "/inbox/second.txt", second));
            out.flush();
            assertThat(finishing.held.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            assertThat(fixture.drop.resolve("acme/acme-upload/inbox/second.txt")).as("not read while the first finishes")
                    .doesNotExist();

            finishing.release.countDown();

            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 201").contains("\"fileId\":\"f_first\"");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 201").contains("\"fileId\":\"f_second\"");
        }
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/first.txt"))).isEqualTo(first);
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/second.txt"))).isEqualTo(second);
    }

    @Test
    void fullFinishingPool_isAnswered503_andKeepsNothing() throws Exception {
        ThreadPoolExecutor full = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            public void execute(Runnable command) {
                throw new RejectedExecutionException("full");
            }
        };
        fixture.startReceiver(1, full);
        RawPut gateway = new RawPut(fixture.endpoint(), fixture.clientCertificate, fixture.siteCa.certificate());

        HttpResponse<String> busy = gateway.put("f_1", "/inbox/a.csv", "a".getBytes());

        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.body()).contains("busy");
        assertThat(fixture.drop.resolve("acme")).doesNotExist();
        try (Stream<Path> temporary = Files.list(fixture.drop.resolve(".vaultgate/tmp"))) {
            assertThat(temporary.toList()).isEmpty();
        }
        assertThat(gateway.put("f_1", "/inbox/a.csv", "a".getBytes()).statusCode())
                .as("the refused key is not held as in progress").isEqualTo(503);
    }

    private static byte[] request(String key, String path, byte[] body) throws Exception {
        String head = "PUT /files/" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + ForwardProtocol.IDEMPOTENCY_KEY + ": " + key + "\r\n"
                + ForwardProtocol.REPR_DIGEST + ": " + ForwardProtocol.reprDigest(RawPut.sha256(body)) + "\r\n"
                + ForwardProtocol.TENANT + ": acme\r\n" + ForwardProtocol.ACCOUNT + ": acme-upload\r\n"
                + ForwardProtocol.PATH + ": " + path + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(head.getBytes(StandardCharsets.US_ASCII));
        bytes.write(body);
        return bytes.toByteArray();
    }

    /** One HTTP/1.1 response with a Content-Length body, as text. */
    private static String readResponse(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + lines);
            }
            if (b == '\n') {
                String text = line.toString().strip();
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        int length = lines.stream().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
        return String.join("\n", lines) + "\n\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** A real pool that holds the first task it is given until released: an upload whose end is slow. */
    private static final class HoldingFirstTask extends ThreadPoolExecutor {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        HoldingFirstTask() {
            super(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable task) {
            if (!first.compareAndSet(true, false)) {
                super.execute(task);
                return;
            }
            super.execute(() -> {
                held.countDown();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                task.run();
            });
        }
    }
}
