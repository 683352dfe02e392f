package io.vaultgate.core.forward;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real core over a temp dir, its catalog opened a second time for the forwarding classes (as the lead
 * will wire them), a gateway CA, a site CA with a loopback server certificate, and the gateway's client
 * certificate for site "manila".
 */
final class ForwardFixture implements AutoCloseable {

    static final String SITE = "manila";

    final Path home;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    final SecureRandom random = new SecureRandom();
    final TestCore test;
    final Database database;
    final ClientPrincipal client;
    final CertificateAuthority gatewayCa;
    final CertificateAuthority siteCa;
    final IssuedCertificate siteServer;
    final Path clientKey;
    final IssuedCertificate clientCertificate;
    final ForwardingAdministration admin;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Outbox outbox;

    ForwardFixture(Path home, RetryPolicy retry) {
        this.home = home;
        this.test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        this.database = test.database();
        this.client = test.client("acme", "acme-upload", Protocol.HTTPS);
        test.operator(SITE, "maria", Protocol.HTTPS);
        this.gatewayCa = CertificateAuthority.create("Vaultgate test gateway CA", Duration.ofDays(30), random, clock);
        this.siteCa = CertificateAuthority.create("Manila site CA", Duration.ofDays(30), random, clock);
        this.siteServer = siteCa.issueServer("manila receiver", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(10));
        this.admin = new ForwardingAdministration(database, clock);
        this.clientKey = home.resolve("keys").resolve("forward-manila.key");
        this.clientCertificate = admin.issueClientCertificate(SITE, gatewayCa, clientKey, Duration.ofDays(10));
        this.outbox = new Outbox(database, retry, random);
    }

    SiteStub stub() throws Exception {
        return new SiteStub(siteServer, gatewayCa.certificate());
    }

    void configure(URI endpoint) {
        configure(endpoint, siteCa.certificate(), 4);
    }

    void configure(URI endpoint, java.security.cert.X509Certificate trust, int maxConcurrency) {
        admin.configureSite(new SiteForwarding(SITE, endpoint, List.of(trust), clientCertificate.chain(), clientKey,
                Optional.empty(), maxConcurrency, true));
    }

    Forwarder forwarder(String node) {
        return forwarder(node, new ForwarderSettings(4, Duration.ofMinutes(10), Duration.ofMillis(50),
                Duration.ofSeconds(5), Duration.ofSeconds(30), 1024 * 1024));
    }

    Forwarder forwarder(String node, ForwarderSettings settings) {
        DecryptingFileOpener opener = new DecryptingFileOpener(database, new FileRepository(), test.store(),
                test.keys());
        return new Forwarder(database, outbox, opener, settings, node, meters, random, clock);
    }

    /**
     * The default forwarder, running {@code beforeLookup} on each claimed job right before its lookup (the window
     * between a job's claim and the read that prepares it).
     */
    Forwarder forwarder(String node, Consumer<ForwardJob> beforeLookup) {
        DecryptingFileOpener opener = new DecryptingFileOpener(database, new FileRepository(), test.store(),
                test.keys());
        return new Forwarder(database, outbox, opener, Optional.empty(), new ForwarderSettings(4,
                Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(30),
                1024 * 1024), node, meters, ForwardEvents.NONE, random, clock, beforeLookup);
    }

    /** A forwarder that can also send sealed envelopes (to sites with a recipient key). */
    Forwarder sealingForwarder(String node) {
        ObjectStore store = test.store();
        return new Forwarder(database, outbox, new DecryptingFileOpener(database, new FileRepository(), store,
                test.keys()), Optional.of(new StoredEnvelopes(database, new FileRepository(), store, test.keys(),
                random)), new ForwarderSettings(4, Duration.ofMinutes(10), Duration.ofMillis(50),
                Duration.ofSeconds(5), Duration.ofSeconds(30), 1024 * 1024), node, meters, ForwardEvents.NONE,
                random, clock);
    }

    /** Uploads {@code content} and queues it for the site, as the router's hook will. */
    FileRecord uploadAndQueue(String path, byte[] content) {
        return queue(upload(path, content));
    }

    /** Queues {@code file} for the site, as the router's hook does. */
    FileRecord queue(FileRecord file) {
        database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, SITE, clock.instant()));
        return file;
    }

    FileRecord upload(String path, byte[] content) {
        return upload(client, path, content);
    }

    /** Uploads {@code content} as {@code principal} (e.g. another tenant's account). */
    FileRecord upload(ClientPrincipal principal, String path, byte[] content) {
        Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE);
        for (int offset = 0; offset < content.length; offset += 1 << 20) {
            upload.write(offset, ByteBuffer.wrap(content, offset, Math.min(1 << 20, content.length - offset)));
        }
        Receipt receipt = upload.commit();
        return database.read(jdbc -> new FileRepository().find(jdbc, receipt.fileId())).orElseThrow();
    }

    ForwardJob job(FileRecord file) {
        return outbox.byFile(file.id()).get(0);
    }

    /**
     * Crypto-shreds {@code tenant} as the shred does it, in its order: the catalog marks the tenant SHREDDED, then its
     * keys are destroyed (the catalog's rows of its files and jobs are left, as at that moment of a real shred).
     */
    void shred(String tenant) {
        markShredded(tenant);
        test.keys().destroyTenant(tenant);
    }

    /**
     * The first step of a shred only: the catalog marks {@code tenant} SHREDDED, its keys still usable on this node
     * (as for a shred run on another node that has not destroyed them yet, or whose keystore copy this node keeps).
     */
    void markShredded(String tenant) {
        TenantRepository tenants = new TenantRepository();
        database.inTransaction(jdbc -> {
            tenants.update(jdbc, tenants.find(jdbc, TenantId.of(tenant)).orElseThrow()
                    .withStatus(TenantStatus.SHREDDED));
            return null;
        });
    }

    byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        test.close();
    }
}
