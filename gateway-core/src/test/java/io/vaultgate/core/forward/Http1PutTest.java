package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Http1Put} on the wire, against a raw mutual-TLS server socket that sees TLS records as they come:
 * the request head travels with the start of the body, the caller's work between request and answer runs
 * once, before the answer is read, and an answer that arrives while the body is being sent ends the sending
 * unless it is interim (a success then is no delivery); with BoringSSL and with the JDK's TLS. It needs the
 * certificates of a forwarding set-up only ({@link SitePki}), no catalog or store, so the PostgreSQL/S3 run of
 * gateway-core leaves it out.
 */
@CatalogIndependent
class Http1PutTest {

    @TempDir
    Path home;
    private SitePki pki;
    private SSLServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private SiteConnections connections;

    @BeforeEach
    void start() throws Exception {
        pki = new SitePki(home, Clock.systemUTC());
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", pki.siteServer.privateKey(), new char[0],
                pki.siteServer.chain().toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", pki.gatewayCa.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
    }

    /** The client's connections to the raw server, with {@code provider}'s TLS. */
    private SiteConnections connect(SiteTlsProvider provider) throws Exception {
        SiteForwarding site = new SiteForwarding(ForwardFixture.SITE, URI.create("https://127.0.0.1:"
                + server.getLocalPort()), List.of(pki.siteCa.certificate()), pki.clientCertificate.chain(),
                pki.clientKey, Optional.empty(), 1, true);
        connections = new SiteConnections(site, SiteTls.connector(site, pki.random, provider),
                Duration.ofSeconds(5), timer);
        return connections;
    }

    @AfterEach
    void stop() throws IOException {
        if (connections != null) {
            connections.close();
        }
        server.close();
        threads.shutdownNow();
        timer.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void requestHead_travelsInTheSameTlsRecordAsTheStartOfTheBody(SiteTlsProvider provider) throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(200 * 1024 + 3);
        CompletableFuture<byte[]> firstRead = new CompletableFuture<>();
        CompletableFuture<byte[]> request = serveOnce(body.length, firstRead, new CountDownLatch(0));

        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body),
                deadline());

        assertThat(answer.status()).isEqualTo(201);
        byte[] first = firstRead.get(10, TimeUnit.SECONDS);
        String asText = new String(first, StandardCharsets.ISO_8859_1);
        int end = asText.indexOf("\r\n\r\n");
        assertThat(end).as("the whole head in the first record").isPositive();
        assertThat(first.length - (end + 4)).as("body bytes in the head's record").isPositive();
        assertThat(Arrays.copyOfRange(first, end + 4, first.length))
                .isEqualTo(Arrays.copyOfRange(body, 0, first.length - (end + 4)));
        byte[] sent = request.get(10, TimeUnit.SECONDS);
        String head = new String(sent, 0, sent.length - body.length, StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("PUT /files/f_1 HTTP/1.1\r\n").contains("Content-Length: " + body.length + "\r\n")
                .endsWith("\r\n\r\n");
        assertThat(Arrays.copyOfRange(sent, sent.length - body.length, sent.length)).isEqualTo(body);
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void emptyBody_sendsTheHeadAlone(SiteTlsProvider provider) throws Exception {
        SiteConnections connections = connect(provider);
        CompletableFuture<byte[]> request = serveOnce(0, new CompletableFuture<>(), new CountDownLatch(0));

        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_0", head(), prepared(new byte[0]),
                deadline());

        assertThat(answer.status()).isEqualTo(201);
        assertThat(new String(request.get(10, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1))
                .contains("Content-Length: 0\r\n").endsWith("\r\n\r\n");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void workWhileAwaiting_runsOnceAfterTheRequest_beforeTheAnswerIsRead(SiteTlsProvider provider) throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(70_000);
        CountDownLatch workDone = new CountDownLatch(1);
        CompletableFuture<byte[]> request = serveOnce(body.length, new CompletableFuture<>(), workDone);
        AtomicInteger runs = new AtomicInteger();

        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_2", head(), prepared(body),
                deadline(), () -> {
                    runs.incrementAndGet();
                    workDone.countDown(); // the server answers only after this
                });

        assertThat(answer.status()).isEqualTo(201);
        assertThat(runs).hasValue(1);
        byte[] sent = request.get(10, TimeUnit.SECONDS);
        assertThat(Arrays.copyOfRange(sent, sent.length - body.length, sent.length)).isEqualTo(body);
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void keptAliveConnectionTheSiteClosed_isReplaced_andTheRequestSentAgain(SiteTlsProvider provider)
            throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(100_000);
        CompletableFuture<byte[]> first = serveOnce(body.length, new CompletableFuture<>(), new CountDownLatch(0));
        assertThat(new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body), deadline()).status())
                .isEqualTo(201);
        first.get(10, TimeUnit.SECONDS); // the server closed that connection after its answer

        CompletableFuture<byte[]> second = serveOnce(body.length, new CompletableFuture<>(), new CountDownLatch(0));
        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body),
                deadline());

        assertThat(answer.status()).isEqualTo(201);
        byte[] sent = second.get(10, TimeUnit.SECONDS);
        assertThat(Arrays.copyOfRange(sent, sent.length - body.length, sent.length)).isEqualTo(body);
    }

    /**
     * The site answers 201 with the right digest after the first record of the body and then reads the rest
     * and drops it, so every write succeeds: the client must find the answer while it sends. It cannot be
     * more than the kernel buffers (a few MiB) ahead of the site, which reads nothing more until its answer
     * is written, so the answer arrives with most of the 64 MiB still unsent. Before, the client read only
     * after its last write (or a failed one) and took the 201 for the answer to the whole file; this test
     * flaked then, when the site closed its socket after answering: {@code SSLSocket.close()} reads and
     * drops what keeps arriving, and the client sometimes got its whole body out.
     */
    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void successAnsweredBeforeTheWholeBodyWasSent_isNotTakenForADelivery(SiteTlsProvider provider) throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(64 << 20); // more than the kernel buffers on both sides take
        String digest = ForwardProtocol.reprDigest(MessageDigest.getInstance("SHA-256").digest(body));
        CompletableFuture<Long> site = answersEarlyThenDrops("HTTP/1.1 201 Created\r\nRepr-Digest: " + digest
                + "\r\nContent-Length: 0\r\n\r\n");

        assertThatThrownBy(() -> new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body),
                deadline())).isInstanceOf(IOException.class)
                .hasMessageContaining("answered 201 before it received the whole file");
        assertThat(site.get(10, TimeUnit.SECONDS)).as("bytes the site received").isLessThan(body.length);
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void refusalAnsweredWhileTheBodyIsSent_isTheAnswer_andTheRestIsNotSent(SiteTlsProvider provider)
            throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(64 << 20);
        CompletableFuture<Long> site = answersEarlyThenDrops("HTTP/1.1 413 Content Too Large\r\n"
                + "Content-Length: 8\r\n\r\ntoo big.");

        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body),
                deadline());

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.excerpt()).isEqualTo("too big.");
        assertThat(site.get(10, TimeUnit.SECONDS)).as("bytes the site received").isLessThan(body.length);
    }

    /** A {@code 1xx} the site sends while it reads the body (RFC 9110 15.2) must not stop the sending. */
    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void interimAnswerWhileTheBodyIsSent_theWholeBodyIsSent_andTheFinalAnswerTaken(SiteTlsProvider provider)
            throws Exception {
        SiteConnections connections = connect(provider);
        byte[] body = pki.randomBytes(64 << 20); // the 100 arrives with most of it unsent, as above
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[256 * 1024];
                int n = in.read(buffer);
                int headEnd = new String(buffer, 0, Math.max(0, n), StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
                if (headEnd < 0) {
                    throw new IOException("the head is not in the first record");
                }
                socket.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(buffer, headEnd + 4, n - (headEnd + 4));
                for (long left = body.length - (n - (headEnd + 4)); left > 0; left -= n) {
                    n = in.read(buffer);
                    if (n < 0) {
                        throw new IOException("the body ended " + left + " bytes early");
                    }
                    sha256.update(buffer, 0, n);
                }
                socket.getOutputStream().write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                return sha256.digest();
            } catch (IOException | GeneralSecurityException e) {
                throw new CompletionException(e);
            }
        }, threads);

        SiteAnswer answer = new Http1Put(timer).send(connections, "/files/f_1", head(), prepared(body),
                System.nanoTime() + Duration.ofSeconds(60).toNanos()); // all of the 64 MiB, on a loaded machine

        assertThat(answer.status()).isEqualTo(201);
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(body));
    }

    private static Map<String, String> head() {
        Map<String, String> head = new LinkedHashMap<>();
        head.put(ForwardProtocol.IDEMPOTENCY_KEY, "f_1");
        return head;
    }

    private PreparedBody prepared(byte[] body) {
        return PreparedBody.prepare(new BytesBody(body), threads);
    }

    private static long deadline() {
        return System.nanoTime() + Duration.ofSeconds(20).toNanos();
    }

    /**
     * Accepts one connection, keeps what its first read returned (one TLS record's plaintext at most), reads
     * the head and {@code bodyLength} bytes, waits for {@code answerAfter}, answers 201; completes with the
     * whole request.
     */
    private CompletableFuture<byte[]> serveOnce(int bodyLength, CompletableFuture<byte[]> firstRead,
                                                CountDownLatch answerAfter) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                byte[] buffer = new byte[256 * 1024];
                int headEnd = -1;
                while (headEnd < 0 || request.size() < headEnd + bodyLength) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new IOException("the request ended early");
                    }
                    if (request.size() == 0) {
                        firstRead.complete(Arrays.copyOf(buffer, n));
                    }
                    request.write(buffer, 0, n);
                    if (headEnd < 0) {
                        int at = new String(request.toByteArray(), StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
                        headEnd = at < 0 ? -1 : at + 4;
                    }
                }
                if (!answerAfter.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the client's work between request and answer never ran");
                }
                socket.getOutputStream().write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                return request.toByteArray();
            } catch (IOException | InterruptedException e) {
                firstRead.completeExceptionally(e);
                throw new CompletionException(e);
            }
        }, threads);
    }

    /**
     * A sloppy site: reads the first TLS record of one request, sends {@code answer}, then reads whatever
     * comes until the client stops and drops it, as servers do before they close (so every write of the
     * client succeeds); completes with the number of bytes it read.
     */
    private CompletableFuture<Long> answersEarlyThenDrops(String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(20_000);
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[256 * 1024];
                long read = in.read(buffer);
                if (read < 0) {
                    throw new IOException("no request");
                }
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                try {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        read += n;
                    }
                } catch (SSLException | SocketException stopped) {
                    // the client closed the connection in the middle of a record, or reset it
                }
                return read;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, threads);
    }
}
