package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.TlsMaterial;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver started with CRL files reads them again when they change: a renewed CRL that revokes the gateway's
 * certificate refuses it at once, without a restart, on a new connection and on kept-alive or resumed ones; a
 * renewal that is not a CRL is ignored and the CRLs read before stay in force.
 */
class CrlReloadTest {

    @TempDir
    Path home;
    private ReceiverFixture fixture;
    private Path crlFile;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ReceiverFixture(home);
        crlFile = home.resolve("gateway-ca.crl");
        writeCrl(Optional.empty());
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new InetSocketAddress("127.0.0.1", 0), fixture.drop,
                List.of(fixture.gatewayCa.certificate()), 1L << 30, Duration.ofSeconds(60),
                CrlFiles.load(List.of(crlFile))), TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                fixture.receiverCertificate.chain()));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aRenewedCrlRevokingTheGateway_refusesItWithoutARestart_onKeptAliveResumedAndNewConnections() throws Exception {
        SSLContext tls = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
        RawPut keptAlive = new RawPut(fixture.endpoint(), tls);
        assertThat(keptAlive.put("f_1", "/inbox/a.csv", "a".getBytes()).statusCode()).isEqualTo(201);

        writeCrl(Optional.of(fixture.clientCertificate.certificate().getSerialNumber()));

        fixture.assertRefused(keptAlive, "f_2", "/inbox/b.csv");
        fixture.assertRefused(new RawPut(fixture.endpoint(), tls), "f_3", "/inbox/c.csv");
        fixture.assertRefused(new RawPut(fixture.endpoint(), RawPut.context(fixture.clientCertificate,
                fixture.siteCa.certificate())), "f_4", "/inbox/d.csv");
    }

    @Test
    void aRenewalThatIsNotACrl_isIgnored_andTheCrlsReadBeforeStayInForce() throws Exception {
        SSLContext tls = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
        Files.writeString(crlFile, "not a CRL at all");

        HttpResponse<String> accepted = new RawPut(fixture.endpoint(), tls).put("f_1", "/inbox/a.csv", "a".getBytes());

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    }

    /** Writes a PEM CRL of the gateway CA, current for a day, revoking {@code serial} if given. */
    private void writeCrl(Optional<BigInteger> serial) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(
                fixture.gatewayCa.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        serial.ifPresent(s -> builder.addCRLEntry(s, Date.from(now.minusSeconds(60)), CRLReason.keyCompromise));
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(fixture.gatewayCa.ca().privateKey())));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(crl);
        }
        Files.writeString(crlFile, pem.toString());
    }
}
