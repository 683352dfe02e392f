package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.pki.IssuedCertificate;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection carries the trust of its handshake only as long as that trust holds: once the site's
 * certificate expires, or the site's CRL is no longer current, or a new CRL revokes the certificate, the next
 * file is not sent on the pooled connection but on a new handshake, which refuses it (fail closed).
 *
 * <p>Expiry is reached by moving the forwarder's clock, not by waiting: the certificate and CRL stay valid in
 * real time, so the JDK accepts the new handshake (or resumes the TLS session) and only the gateway's own
 * check against its clock can refuse it, which is the check a resumed session depends on.
 */
class PooledConnectionTrustTest extends StubSiteTest {

    /** How long the short-lived certificate and CRL are valid, in the fixture's clock and in real time. */
    private static final Duration SHORT = Duration.ofHours(1);

    @Test
    void pooledConnection_isNotReused_afterTheSiteCertificateExpired() throws Exception {
        site.close();
        IssuedCertificate shortLived = fixture.siteCa.issueServer("manila receiver", List.of("localhost"),
                List.of("127.0.0.1"), SHORT);
        site = new SiteStub(shortLived, fixture.gatewayCa.certificate());
        fixture.configure(site.endpoint());
        FileRecord first = fixture.uploadAndQueue("/inbox/a.csv", "first".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();
        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.DELIVERED);

        moveClockPast(shortLived.certificate().getNotAfter().toInstant());
        FileRecord second = fixture.uploadAndQueue("/inbox/b.csv", "second".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();

        assertThat(fixture.job(second).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(second).lastError()).hasValueSatisfying(error -> assertThat(error).contains("TLS")
                .contains("certificate expired"));
        assertThat(site.received()).as("nothing sent after the expiry").hasSize(1);
    }

    @Test
    void pooledConnection_isNotReused_afterTheSitesCrlStoppedBeingCurrent() throws Exception {
        Instant nextUpdate = fixture.clock.instant().plus(SHORT);
        configureWithCrl(Crls.revokingUntil(fixture.siteCa, nextUpdate));
        FileRecord first = fixture.uploadAndQueue("/inbox/a.csv", "first".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();
        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.DELIVERED);

        moveClockPast(nextUpdate);
        FileRecord second = fixture.uploadAndQueue("/inbox/b.csv", "second".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();

        assertThat(fixture.job(second).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(second).lastError()).hasValueSatisfying(error -> assertThat(error).contains("TLS")
                .contains("CRL of the site is not current"));
        assertThat(site.received()).as("nothing sent once revocation is unknown").hasSize(1);
    }

    @Test
    void pooledConnection_isDropped_whenANewCrlRevokesTheSiteCertificate() throws Exception {
        FileRecord first = fixture.uploadAndQueue("/inbox/a.csv", "first".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();
        assertThat(fixture.job(first).state()).isEqualTo(ForwardState.DELIVERED);

        configureWithCrl(Crls.revoking(fixture.siteCa, fixture.siteServer.certificate()));
        FileRecord second = fixture.uploadAndQueue("/inbox/b.csv", "second".getBytes(StandardCharsets.UTF_8));
        forwarder.runDue();

        assertThat(fixture.job(second).lastError()).hasValueSatisfying(error -> assertThat(error)
                .containsIgnoringCase("revoked"));
        assertThat(site.received()).hasSize(1);
    }

    private void configureWithCrl(X509CRL crl) {
        fixture.admin.configureSite(new SiteForwarding(ForwardFixture.SITE, site.endpoint(),
                List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(), fixture.clientKey,
                Optional.empty(), 4, true, List.of(crl)));
    }

    /** One second past {@code instant} in the fixture's clock, which the core and the forwarder share. */
    private void moveClockPast(Instant instant) {
        fixture.clock.advance(Duration.between(fixture.clock.instant(), instant).plusSeconds(1));
    }
}
