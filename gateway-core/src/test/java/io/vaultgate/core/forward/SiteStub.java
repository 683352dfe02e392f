package io.vaultgate.core.forward;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.vaultgate.core.pki.IssuedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A stand-in site for the forwarder's tests: the JDK's HTTPS server on a loopback port, requiring a client
 * certificate from {@code clientCa}. It hashes each body and answers with the digest, which a test may
 * tamper with, or with another status (then with a chunked text body).
 */
final class SiteStub implements AutoCloseable {

    /** What one request carried, as the stub saw it, and the client's port (one per connection). */
    record Received(String path, Map<String, List<String>> headers, long size, String sha256, int clientPort) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpsServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile int status = 201;
    private volatile UnaryOperator<String> answeredDigest = UnaryOperator.identity();
    private volatile long delayMillis;
    private volatile CountDownLatch answers = new CountDownLatch(0);

    SiteStub(IssuedCertificate server, X509Certificate clientCa) throws Exception {
        this(server, clientCa, UnaryOperator.identity());
    }

    /** {@code policy} may narrow the server's protocols or suites (the client certificate stays required). */
    SiteStub(IssuedCertificate server, X509Certificate clientCa, UnaryOperator<javax.net.ssl.SSLParameters> policy)
            throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", server.privateKey(), new char[0], server.chain().toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", clientCa);
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                javax.net.ssl.SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl = policy.apply(ssl);
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        this.server.createContext("/", this::handle);
        this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        this.server.start();
    }

    URI endpoint() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/site");
    }

    List<Received> received() {
        return received;
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    void answer(int status) {
        this.status = status;
    }

    void tamperDigest(UnaryOperator<String> answered) {
        this.answeredDigest = answered;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Holds every answer, after its request was read and recorded, until {@code release} is counted down. */
    void holdAnswers(CountDownLatch release) {
        this.answers = release;
    }

    /**
     * A request is in flight from its arrival until its answer starts: once answered, the client may send the
     * next one on the same connection while this handler's thread is still finishing the exchange.
     */
    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean answering = false;
        try (exchange; InputStream body = exchange.getRequestBody()) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long size = 0;
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                sha256.update(buffer, 0, n);
                size += n;
            }
            byte[] digest = sha256.digest();
            received.add(new Received(exchange.getRequestURI().getRawPath(), Map.copyOf(exchange.getRequestHeaders()),
                    size, java.util.HexFormat.of().formatHex(digest), exchange.getRemoteAddress().getPort()));
            answers.await();
            Thread.sleep(delayMillis);
            exchange.getResponseHeaders().add("Repr-Digest", answeredDigest.apply(ForwardProtocol.reprDigest(digest)));
            answering = true;
            inFlight.decrementAndGet();
            if (status / 100 == 2) {
                exchange.sendResponseHeaders(status, -1);
            } else { // a chunked body, as many servers send with an error
                exchange.sendResponseHeaders(status, 0);
                exchange.getResponseBody().write(("the stub site answers " + status + "\n").getBytes());
            }
        } catch (NoSuchAlgorithmException | InterruptedException e) {
            throw new IOException(e);
        } finally {
            if (!answering) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
