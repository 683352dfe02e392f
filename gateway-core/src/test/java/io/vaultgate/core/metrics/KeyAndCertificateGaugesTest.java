package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.forward.ForwardingAdministration;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyAndCertificateGaugesTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TestCore test;

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void keyAge_countsFromTenantCreation_andRestartsAtEachRotation() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", false);
        test.core().administration().createTenant(TenantId.of("globex"), "Globex", false);
        clock.advance(Duration.ofDays(100));
        test.core().keyRotation().rotate(TenantId.of("globex"), false);
        clock.advance(Duration.ofDays(10));

        refresh();

        assertThat(gauge("vaultgate.tenant.key.age", "tenant", "acme")).isEqualTo(Duration.ofDays(110).toSeconds());
        assertThat(gauge("vaultgate.tenant.key.age", "tenant", "globex")).isEqualTo(Duration.ofDays(10).toSeconds());
    }

    @Test
    void siteCertificates_showTheTimeLeftOnTheClientChainAndTheTrustAnchors() throws Exception {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        CertificateAuthority siteCa = CertificateAuthority.create("site CA", Duration.ofDays(400), new SecureRandom(),
                clock);
        CertificateAuthority gatewayCa = CertificateAuthority.create("gateway CA", Duration.ofDays(400),
                new SecureRandom(), clock);
        IssuedCertificate client = gatewayCa.issueClient("vaultgate", Duration.ofDays(20));
        client.write(home.resolve("manila.key"), home.resolve("manila.crt"));
        test.core().sites().createSite("manila", "Manila");
        try (Database catalog = TestCatalog.open(home)) {
            new ForwardingAdministration(catalog, clock).configureSite(new SiteForwarding("manila",
                    URI.create("https://127.0.0.1:1/inbox/"), List.of(siteCa.certificate()), client.chain(),
                    home.resolve("manila.key"), Optional.empty(), 1, true, List.of()));
        }
        clock.advance(Duration.ofDays(5));

        refresh();

        assertThat(gauge("vaultgate.certificate.expiry", "certificate", "site:manila:client"))
                .isBetween(Duration.ofDays(15).toSeconds() - 86_400.0, Duration.ofDays(15).toSeconds() + 86_400.0);
        assertThat(gauge("vaultgate.certificate.expiry", "certificate", "site:manila:trust"))
                .isBetween(Duration.ofDays(395).toSeconds() - 86_400.0, Duration.ofDays(395).toSeconds() + 86_400.0);
    }

    @Test
    void unparsableCertificateText_isNaN_notAnError() {
        assertThat(KeyAndCertificateGauges.secondsLeft("not a certificate", Instant.now())).isNaN();
        assertThat(KeyAndCertificateGauges.secondsLeft("", Instant.now())).isNaN();
    }

    private void refresh() {
        test.core().metrics().refresh();
    }

    private double gauge(String name, String tag, String value) {
        MeterRegistry registry = test.core().metrics().registry();
        return registry.get(name).tag(tag, value).gauge().value();
    }
}
