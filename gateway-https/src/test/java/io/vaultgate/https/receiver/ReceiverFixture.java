package io.vaultgate.https.receiver;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.ForwardEvents;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.forward.ForwarderSettings;
import io.vaultgate.core.forward.ForwardingAdministration;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.forward.StoredEnvelopes;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.seal.SitePrivateKey;
import io.vaultgate.https.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The gateway side (a real core, its outbox and a forwarder) and the site side (a {@link SiteReceiver}
 * on a loopback port) of forwarding, each with its own CA: the gateway CA issues the forwarder's client
 * certificate, the site CA the receiver's server certificate.
 */
final class ReceiverFixture implements AutoCloseable {

    static final String SITE = "manila";
    /** Another site of the same gateway, whose forwarder certificate the same CA issues. */
    static final String OTHER_SITE = "pune";

    final Path home;
    final Path drop;
    final SecureRandom random = new SecureRandom();
    final MutableClock clock = new MutableClock(Instant.now());
    final TestCore test;
    final Database database;
    final ClientPrincipal client;
    final CertificateAuthority gatewayCa;
    final CertificateAuthority siteCa;
    final IssuedCertificate receiverCertificate;
    final Path clientKey;
    final IssuedCertificate clientCertificate;
    final ForwardingAdministration admin;
    final Outbox outbox;
    SiteReceiver receiver;

    ReceiverFixture(Path home) {
        this.home = home;
        this.drop = home.resolve("drop");
        try {
            java.nio.file.Files.createDirectories(home.resolve("gateway"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.test = TestCore.create(home.resolve("gateway"), new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        this.database = Database.sqlite(home.resolve("gateway").resolve("catalog.db"));
        this.client = test.client("acme", "acme-upload", Protocol.HTTPS);
        test.operator(SITE, "maria", Protocol.HTTPS);
        this.gatewayCa = CertificateAuthority.create("Vaultgate gateway CA", Duration.ofDays(30), random, clock);
        this.siteCa = CertificateAuthority.create("Manila site CA", Duration.ofDays(30), random, clock);
        this.receiverCertificate = siteCa.issueServer("manila receiver", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(10));
        this.admin = new ForwardingAdministration(database, clock);
        this.clientKey = home.resolve("keys").resolve("forward-manila.key");
        this.clientCertificate = admin.issueClientCertificate(SITE, gatewayCa, clientKey, Duration.ofDays(10));
        this.outbox = new Outbox(database, new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofMinutes(1)), random);
    }

    SiteReceiver startReceiver() throws IOException {
        return startReceiver(receiverCertificate, gatewayCa.certificate());
    }

    SiteReceiver startReceiver(IssuedCertificate server, X509Certificate clientCa) throws IOException {
        return startReceiver(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", 0), drop, List.of(clientCa)),
                server);
    }

    /** A receiver as {@link #startReceiver()}'s with {@code change} made to its settings (another limit). */
    SiteReceiver startReceiver(java.util.function.UnaryOperator<ReceiverSettings> change) throws IOException {
        return startReceiver(change.apply(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", 0), drop,
                List.of(gatewayCa.certificate()))), receiverCertificate);
    }

    /** A receiver that opens sealed forwards with {@code siteKey}. */
    SiteReceiver startSealedReceiver(SitePrivateKey siteKey) throws IOException {
        return startReceiver(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", 0), drop,
                List.of(gatewayCa.certificate())).withSiteKey(siteKey), receiverCertificate);
    }

    /** A sealed receiver with {@code ioThreads} event loops whose uploads finish on {@code finishing}. */
    SiteReceiver startSealedReceiver(SitePrivateKey siteKey, int ioThreads, ExecutorService finishing)
            throws IOException {
        return startReceiver(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", 0), drop,
                List.of(gatewayCa.certificate())).withSiteKey(siteKey), ioThreads, finishing);
    }

    /** A plain receiver with {@code ioThreads} event loops whose uploads finish on {@code finishing}. */
    SiteReceiver startReceiver(int ioThreads, ExecutorService finishing) throws IOException {
        return startReceiver(ReceiverSettings.of(SITE, new InetSocketAddress("127.0.0.1", 0), drop,
                List.of(gatewayCa.certificate())), ioThreads, finishing);
    }

    private SiteReceiver startReceiver(ReceiverSettings settings, int ioThreads, ExecutorService finishing)
            throws IOException {
        receiver = SiteReceiver.start(settings, TlsMaterial.of(receiverCertificate.privateKey(),
                receiverCertificate.chain()), ioThreads, finishing, clock);
        configure(endpoint(), clientCertificate, clientKey);
        return receiver;
    }

    private SiteReceiver startReceiver(ReceiverSettings settings, IssuedCertificate server) throws IOException {
        receiver = SiteReceiver.start(settings, TlsMaterial.of(server.privateKey(), server.chain()), clock);
        configure(endpoint(), clientCertificate, clientKey);
        return receiver;
    }

    /** Where the gateway stores its tenants' ciphertext. */
    Path objects() {
        return home.resolve("gateway").resolve("objects");
    }

    URI endpoint() {
        return URI.create("https://127.0.0.1:" + receiver.address().getPort());
    }

    void configure(URI endpoint, IssuedCertificate client, Path key) {
        configure(SITE, endpoint, client, key);
    }

    void configure(String site, URI endpoint, IssuedCertificate client, Path key) {
        admin.configureSite(new SiteForwarding(site, endpoint, List.of(siteCa.certificate()), client.chain(), key,
                Optional.empty(), 4, true));
    }

    /** Registers {@link #OTHER_SITE} at the gateway and issues its forwarder certificate from the same CA. */
    IssuedCertificate otherSite() {
        test.operator(OTHER_SITE, "ravi", Protocol.HTTPS);
        return admin.issueClientCertificate(OTHER_SITE, gatewayCa, otherSiteKey(), Duration.ofDays(10));
    }

    Path otherSiteKey() {
        return home.resolve("keys").resolve("forward-" + OTHER_SITE + ".key");
    }

    Forwarder forwarder(String node) {
        return forwarder(node, ForwardEvents.NONE);
    }

    /** A forwarder that reports to {@code events} (e.g. the audit log, as the gateway's does). */
    Forwarder forwarder(String node, ForwardEvents events) {
        try {
            FileSystemObjectStore store = new FileSystemObjectStore(objects());
            return new Forwarder(database, outbox, new DecryptingFileOpener(database, new FileRepository(), store,
                    test.keys()), Optional.of(new StoredEnvelopes(database, new FileRepository(), store, test.keys(),
                    random)), new ForwarderSettings(4, Duration.ofMinutes(10), Duration.ofMillis(50),
                    Duration.ofSeconds(5), Duration.ofSeconds(30), 1024 * 1024), node, new SimpleMeterRegistry(),
                    events, random, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FileRecord uploadAndQueue(String path, byte[] content) {
        return uploadAndQueue(client, path, content);
    }

    FileRecord uploadAndQueue(ClientPrincipal sender, String path, byte[] content) {
        return uploadAndQueue(sender, path, content, SITE);
    }

    /** An upload queued for {@code site}. */
    FileRecord uploadAndQueue(ClientPrincipal sender, String path, byte[] content, String site) {
        Upload upload = test.core().ingest().open(sender, PathPolicy.parse(path), UploadMode.CREATE);
        for (int offset = 0; offset < content.length; offset += 1 << 20) {
            upload.write(offset, ByteBuffer.wrap(content, offset, Math.min(1 << 20, content.length - offset)));
        }
        Receipt receipt = upload.commit();
        FileRecord file = database.read(jdbc -> new FileRepository().find(jdbc, receipt.fileId())).orElseThrow();
        database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, site, clock.instant()));
        return file;
    }

    ForwardJob job(FileRecord file) {
        return outbox.byFile(file.id()).get(0);
    }

    /**
     * Asserts that the gateway's PUT of {@code path} is refused (403 on a kept-alive or resumed connection, or at
     * the handshake of a new one) and that nothing reached the drop directory.
     */
    void assertRefused(RawPut gateway, String key, String path) throws Exception {
        try {
            java.net.http.HttpResponse<String> response = gateway.put(key, path, "late".getBytes());
            org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        } catch (IOException refusedAtTheHandshake) {
            // a full handshake refuses it too
        }
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.exists(drop.resolve("acme/acme-upload" + path)))
                .as("nothing written").isFalse();
    }

    byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        test.close();
    }
}
