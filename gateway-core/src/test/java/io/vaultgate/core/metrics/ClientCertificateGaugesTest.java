package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate_client_certificates{expiry}} counts the accounts' client certificates by when they expire, on the
 * core's clock, with every row present (0) before there is any certificate, so that an alert on expired ones needs
 * no absent(). Run on SQLite and PostgreSQL.
 */
class ClientCertificateGaugesTest {

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
    void certificates_areCountedByExpiry_andMoveAsTimePasses() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClientCertificateGauges gauges = new ClientCertificateGauges(registry, test.database());
        Instant now = clock.instant();
        gauges.refresh(now);
        assertThat(counts(registry)).as("every row, before any certificate").containsExactly(0.0, 0.0, 0.0, 0.0);

        Administration admin = test.core().administration();
        admin.createTenant(TenantId.of("acme"), "Acme", false);
        for (String account : new String[] {"a-soon", "a-later", "a-old"}) {
            admin.createAccount(TenantId.of("acme"), account);
        }
        CertificateAuthority ca = CertificateAuthority.create("clients", Duration.ofDays(1000), new SecureRandom(),
                clock);
        register("a-soon", ca.issueClient("a-soon", Duration.ofDays(10)).certificate());
        register("a-later", ca.issueClient("a-later", Duration.ofDays(100)).certificate());
        X509Certificate old = ca.issueClient("a-old", Duration.ofDays(100)).certificate();
        register("a-old", old);
        test.database().inTransaction(jdbc -> jdbc.update("UPDATE account_certificates SET not_before = NULL, "
                + "not_after = NULL WHERE fingerprint = ?", Fingerprints.sha256(old))); // as registered before V34

        gauges.refresh(now);
        assertThat(counts(registry)).as("expired, within_30d, later, unknown").containsExactly(0.0, 1.0, 1.0, 1.0);

        gauges.refresh(now.plus(Duration.ofDays(80)));
        assertThat(counts(registry)).containsExactly(1.0, 1.0, 0.0, 1.0);

        gauges.refresh(now.plus(Duration.ofDays(200)));
        assertThat(counts(registry)).containsExactly(2.0, 0.0, 0.0, 1.0);
    }

    /** RFC 5280: valid up to and including notAfter, as the handshake, the registration and account show judge. */
    @Test
    void atItsNotAfter_aCertificateIsNotCountedExpired_oneMillisecondLaterItIs() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClientCertificateGauges gauges = new ClientCertificateGauges(registry, test.database());
        Administration admin = test.core().administration();
        admin.createTenant(TenantId.of("acme"), "Acme", false);
        admin.createAccount(TenantId.of("acme"), "a-edge");
        X509Certificate edge = CertificateAuthority.create("clients", Duration.ofDays(1000), new SecureRandom(), clock)
                .issueClient("a-edge", Duration.ofDays(10)).certificate();
        register("a-edge", edge);
        Instant notAfter = edge.getNotAfter().toInstant();

        gauges.refresh(notAfter);
        assertThat(counts(registry)).as("at notAfter").containsExactly(0.0, 1.0, 0.0, 0.0);

        gauges.refresh(notAfter.plusMillis(1));
        assertThat(counts(registry)).as("just after").containsExactly(1.0, 0.0, 0.0, 0.0);
    }

    @Test
    void theCoresMetrics_publishTheGauge() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);

        test.core().metrics().refresh();

        assertThat(counts(test.core().metrics().registry())).containsExactly(0.0, 0.0, 0.0, 0.0);
    }

    private void register(String username, X509Certificate certificate) {
        test.core().administration().addClientCertificate(username, certificate);
    }

    private static double[] counts(MeterRegistry registry) {
        return Stream.of("expired", "within_30d", "later", "unknown").mapToDouble(expiry -> registry
                .get("vaultgate.client.certificates").tag("expiry", expiry).gauge().value()).toArray();
    }
}
