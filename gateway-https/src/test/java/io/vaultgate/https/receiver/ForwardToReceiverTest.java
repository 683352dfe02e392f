package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.DeliveryOutcome;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forwarder against the reference receiver, both over real mutual TLS on loopback. */
class ForwardToReceiverTest {

    @TempDir
    Path home;
    private ReceiverFixture fixture;
    private Forwarder forwarder;

    @BeforeEach
    void setUp() {
        fixture = new ReceiverFixture(home);
        forwarder = fixture.forwarder("node-a");
    }

    @AfterEach
    void tearDown() {
        forwarder.close();
        fixture.close();
    }

    @Test
    void multiMegabyteFile_arrivesInTheDropDirectory_withTheSameBytesAndDigest() throws Exception {
        fixture.startReceiver();
        byte[] content = fixture.randomBytes(9 * 1024 * 1024 + 123);
        FileRecord file = fixture.uploadAndQueue("/inbox/2026/payroll november.csv", content);

        assertThat(forwarder.runDue()).isEqualTo(1);

        Path dropped = fixture.drop.resolve("acme/acme-upload/inbox/2026/payroll november.csv");
        assertThat(Files.readAllBytes(dropped)).isEqualTo(content);
        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(job.siteDigest()).contains(RawPut.sha256(content));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void twoAccountsOfATenantSendingOnePath_arriveAsTwoFiles_eachUnderItsAccount() throws Exception {
        fixture.startReceiver();
        ClientPrincipal hr = fixture.test.client("acme", "acme-hr", Protocol.HTTPS);
        fixture.uploadAndQueue("/inbox/2026-11/a.csv", "from the upload account".getBytes());
        fixture.uploadAndQueue(hr, "/inbox/2026-11/a.csv", "from hr".getBytes());

        assertThat(forwarder.runDue()).isEqualTo(2);

        assertThat(Files.readString(fixture.drop.resolve("acme/acme-upload/inbox/2026-11/a.csv")))
                .isEqualTo("from the upload account");
        assertThat(Files.readString(fixture.drop.resolve("acme/acme-hr/inbox/2026-11/a.csv"))).isEqualTo("from hr");
    }

    @Test
    void twoWorkersDeliveringTheSameJob_leaveOneFile_andTheLateOneIsAnsweredAsADuplicate() throws Exception {
        fixture.startReceiver();
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "id,amount\n1,100\n".getBytes());
        ForwardJob stale = fixture.outbox.claim(ReceiverFixture.SITE, "node-slow", 1, Duration.ofMinutes(10),
                fixture.clock.instant()).get(0);
        fixture.clock.advance(Duration.ofMinutes(11));

        assertThat(forwarder.runDue()).isEqualTo(1);
        Path dropped = fixture.drop.resolve("acme/acme-upload/inbox/a.csv");
        Files.writeString(dropped, "changed by the site after delivery");
        DeliveryOutcome late = forwarder.run(stale);

        assertThat(late).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(Files.readString(dropped)).as("a duplicate is not rewritten")
                .isEqualTo("changed by the site after delivery");
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(file).attempts()).isEqualTo(2);
    }

    @Test
    void clientCertificateFromAnotherCa_isRefusedByTheReceiver_andNothingIsWritten() throws Exception {
        fixture.startReceiver();
        CertificateAuthority stranger = CertificateAuthority.create("Stranger CA", Duration.ofDays(1), fixture.random,
                fixture.clock);
        Path key = home.resolve("keys").resolve("stranger.key");
        IssuedCertificate foreign = fixture.admin.issueClientCertificate(ReceiverFixture.SITE, stranger, key,
                Duration.ofDays(1));
        fixture.configure(fixture.endpoint(), foreign, key);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(droppedFiles()).isEmpty();
    }

    /**
     * The forwarding CA issues a certificate to every site, and every site's receiver trusts that CA: the receiver
     * must take its own site's certificate only, or one site's {@code forward-SITE.key} delivers to every site.
     */
    @Test
    void clientCertificateOfAnotherSite_isRefusedByTheReceiver_withItsReason_andNothingIsWritten() throws Exception {
        fixture.startReceiver();
        fixture.configure(fixture.endpoint(), fixture.otherSite(), fixture.otherSiteKey());
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("the site answered 403",
                "CN=vaultgate-forwarder-pune is not the forwarder certificate of site manila"));
        assertThat(droppedFiles()).isEmpty();
    }

    /**
     * A plain file for another site, sent with this site's certificate to this site's receiver (the gateway's settings
     * for the other site name this site's endpoint and certificate): it names its site, so the receiver refuses it as
     * misdirected, for good, instead of storing another site's file.
     */
    @Test
    void plainFileForAnotherSite_underThisSitesCertificate_isMisdirected_andGoesDeadAtOnce() throws Exception {
        fixture.startReceiver();
        fixture.otherSite();
        fixture.configure(ReceiverFixture.OTHER_SITE, fixture.endpoint(), fixture.clientCertificate, fixture.clientKey);
        FileRecord file = fixture.uploadAndQueue(fixture.client, "/inbox/a.csv", "for pune".getBytes(),
                ReceiverFixture.OTHER_SITE);

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).as("misdirected: no retry can change it").isEqualTo(ForwardState.DEAD);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("the site answered 421",
                "this receiver serves site manila, not site pune", "final"));
        assertThat(droppedFiles()).isEmpty();
    }

    @Test
    void expiredClientCertificate_isRefusedByTheReceiver() throws Exception {
        fixture.startReceiver();
        CertificateAuthority past = CertificateAuthority.create("Vaultgate gateway CA", Duration.ofDays(1),
                fixture.random, new MutableClock(Instant.now().minus(Duration.ofDays(10))));
        IssuedCertificate expired = new CertificateAuthority(fixture.gatewayCa.ca(), fixture.random,
                new MutableClock(Instant.now().minus(Duration.ofDays(10)))).issueClient("old", Duration.ofDays(1));
        Path key = home.resolve("keys").resolve("expired.key");
        io.vaultgate.core.pki.Pem.writePrivateKey(key, expired.privateKey());
        fixture.configure(fixture.endpoint(), expired, key);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(droppedFiles()).isEmpty();
        assertThat(past).isNotNull();
    }

    @Test
    void revokedClientCertificate_isRefusedByAReceiverWithTheGatewayCrl() throws Exception {
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0),
                fixture.drop, List.of(fixture.gatewayCa.certificate()), 1 << 30, Duration.ofSeconds(30),
                List.of(crl(fixture.gatewayCa, fixture.clientCertificate.certificate()))),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        fixture.configure(fixture.endpoint(), fixture.clientCertificate, fixture.clientKey);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(droppedFiles()).isEmpty();
    }

    private static java.security.cert.X509CRL crl(CertificateAuthority ca, java.security.cert.X509Certificate revoked)
            throws Exception {
        Instant now = Instant.now();
        var builder = new org.bouncycastle.cert.X509v2CRLBuilder(org.bouncycastle.asn1.x500.X500Name.getInstance(
                ca.certificate().getSubjectX500Principal().getEncoded()), java.util.Date.from(now.minusSeconds(300)));
        builder.setNextUpdate(java.util.Date.from(now.plus(Duration.ofDays(1))));
        builder.addCRLEntry(revoked.getSerialNumber(), java.util.Date.from(now.minusSeconds(60)),
                org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(builder.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                        .build(ca.ca().privateKey())));
    }

    @Test
    void expiredReceiverCertificate_isRefusedByTheGateway_andNothingIsSent() throws Exception {
        IssuedCertificate expired = new CertificateAuthority(fixture.siteCa.ca(), fixture.random,
                new MutableClock(Instant.now().minus(Duration.ofDays(10)))).issueServer("old", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(1));
        fixture.startReceiver(expired, fixture.gatewayCa.certificate());
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).isEqualTo(ForwardState.PENDING);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error).contains("TLS"));
        assertThat(droppedFiles()).isEmpty();
    }

    @Test
    void receiverDown_thenUp_theJobIsDeliveredOnItsNextAttempt() throws Exception {
        fixture.startReceiver();
        java.net.URI endpoint = fixture.endpoint();
        fixture.receiver.close();
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "later".getBytes());

        forwarder.runDue();
        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);

        fixture.receiver = SiteReceiver.start(ReceiverSettings.of(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1",
                endpoint.getPort()), fixture.drop, List.of(fixture.gatewayCa.certificate())),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        fixture.clock.advance(Duration.ofMinutes(1));
        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(Files.readString(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isEqualTo("later");
    }

    @Test
    void keptAliveConnectionTheReceiverClosedWhileIdle_isReplaced_andTheNextFileGoesOnItsFirstAttempt()
            throws Exception {
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0),
                fixture.drop, List.of(fixture.gatewayCa.certificate()), 1 << 30, Duration.ofMillis(1500)),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        fixture.configure(fixture.endpoint(), fixture.clientCertificate, fixture.clientKey);
        FileRecord first = fixture.uploadAndQueue("/inbox/first.csv", "first".getBytes());
        assertThat(forwarder.runDue()).isEqualTo(1);
        // the receiver closes the idle connection the forwarder keeps (its idle time also bounds the TLS handshake,
        // which took over 200 ms on a loaded 2-core machine and failed the first file)
        Thread.sleep(3500);

        FileRecord second = fixture.uploadAndQueue("/inbox/second.csv", fixture.randomBytes(300_000));
        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(second).state()).as(fixture.job(second).toString()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(second).attempts()).isEqualTo(1);
    }

    @Test
    void fileWhosePathIsBlockedAtTheSite_goesDeadOnItsFirstAttempt_withTheSitesReason() throws Exception {
        fixture.startReceiver();
        Files.createDirectories(fixture.drop.resolve("acme/acme-upload"));
        Files.writeString(fixture.drop.resolve("acme/acme-upload/inbox"), "a file where the gateway's directory goes");
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).as("a refusal no retry can change is not retried").isEqualTo(ForwardState.DEAD);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("the site answered 422", "acme/acme-upload/inbox is a file where a directory is needed",
                        "final"));
        assertThat(Files.readString(fixture.drop.resolve("acme/acme-upload/inbox")))
                .isEqualTo("a file where the gateway's directory goes");
        assertThat(leftovers()).isEmpty();
    }

    /** 128 x "ä" is 128 characters, which the gateway takes, and 256 bytes, more than a name on the site's disk. */
    @Test
    void fileWhoseNameTheSiteRefuses_goesDeadOnItsFirstAttempt_withTheSitesReason() throws Exception {
        fixture.startReceiver();
        FileRecord file = fixture.uploadAndQueue("/inbox/" + "\u00e4".repeat(128), "secret".getBytes());

        forwarder.runDue();

        ForwardJob job = fixture.job(file);
        assertThat(job.state()).as("no retry of the same path can succeed").isEqualTo(ForwardState.DEAD);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(job.lastError()).hasValueSatisfying(error -> assertThat(error)
                .contains("the site answered 422", "longer than 255 bytes", "final"));
        assertThat(droppedFiles()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    private List<Path> droppedFiles() throws Exception {
        if (!Files.exists(fixture.drop.resolve("acme"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(fixture.drop.resolve("acme"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(fixture.drop.resolve(".vaultgate/tmp"))) {
            return files.toList();
        }
    }
}
