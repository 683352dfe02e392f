package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.https.TlsMaterial;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver takes a file only while the verdict on the gateway's client certificate holds: not on a
 * kept-alive connection, nor on a new connection that resumes an earlier TLS session (which skips the
 * certificate checks), once that certificate has expired or a configured CRL is past its next update. The
 * receiver's clock is moved past the expiry: the TLS layer, on real time, still accepts the certificate, so only
 * the receiver's own per-request verdict can refuse.
 */
class ReceiverClientTrustTest {

    private static final Duration SHORT = Duration.ofHours(1);

    @TempDir
    Path home;
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
    void gatewayCertificateThatExpired_isRefused_onAKeptAliveOrResumedConnection() throws Exception {
        fixture.startReceiver();
        IssuedCertificate shortLived = fixture.gatewayCa.issueClient("vaultgate-forwarder-manila", SHORT);
        SSLContext tls = RawPut.context(shortLived, fixture.siteCa.certificate());
        RawPut gateway = new RawPut(fixture.endpoint(), tls);
        assertThat(gateway.put("f_1", "/inbox/a.csv", "a".getBytes()).statusCode()).isEqualTo(201);

        moveClockPast(shortLived.certificate().getNotAfter().toInstant());

        fixture.assertRefused(gateway, "f_2", "/inbox/b.csv");
        fixture.assertRefused(new RawPut(fixture.endpoint(), tls), "f_3", "/inbox/c.csv");
    }

    @Test
    void crlPastItsNextUpdate_refusesTheGateway_onAKeptAliveOrResumedConnection() throws Exception {
        Instant nextUpdate = fixture.clock.instant().plus(SHORT);
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new InetSocketAddress("127.0.0.1", 0), fixture.drop,
                List.of(fixture.gatewayCa.certificate()), 1L << 30, Duration.ofSeconds(60),
                List.of(crlUntil(nextUpdate))), TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                fixture.receiverCertificate.chain()), fixture.clock);
        SSLContext tls = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
        RawPut gateway = new RawPut(fixture.endpoint(), tls);
        assertThat(gateway.put("f_1", "/inbox/a.csv", "a".getBytes()).statusCode()).isEqualTo(201);

        moveClockPast(nextUpdate);

        fixture.assertRefused(gateway, "f_2", "/inbox/b.csv");
        fixture.assertRefused(new RawPut(fixture.endpoint(), tls), "f_3", "/inbox/c.csv");
    }

    private void moveClockPast(Instant instant) {
        fixture.clock.advance(Duration.between(fixture.clock.instant(), instant).plusSeconds(1));
    }

    /** A CRL of the gateway CA revoking nothing, current until {@code nextUpdate}. */
    private X509CRL crlUntil(Instant nextUpdate) throws Exception {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(
                fixture.gatewayCa.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(Instant.now().minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(nextUpdate));
        return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(fixture.gatewayCa.ca().privateKey())));
    }
}
