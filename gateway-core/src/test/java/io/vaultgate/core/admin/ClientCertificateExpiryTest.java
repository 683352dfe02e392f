package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.ExpiringClientCertificates.Held;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Validity;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate's validity is recorded when it is registered (V34), so that an administrator sees when it
 * expires ({@code account show}) and which certificates to replace before their accounts are locked out of mutual-TLS
 * logins ({@code account list --certificates-expiring}, {@code doctor}). Run on SQLite and PostgreSQL.
 */
class ClientCertificateExpiryTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path home;
    private TestCore test;
    private Administration admin;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        admin = test.core().administration();
        admin.createTenant(ACME, "Acme", true);
        admin.createTenant(GLOBEX, "Globex", true);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void registration_recordsTheCertificatesValidity_andTheInventoryShowsIt() {
        admin.createAccount(ACME, "acme-api");
        X509Certificate certificate = issued("acme-api", now, Duration.ofDays(397));

        register("acme-api", certificate);

        ClientCertificate shown = new CredentialInventory(test.database(), Clock.systemUTC()).account("acme-api")
                .orElseThrow().certificates().get(0);
        assertThat(shown.validity()).contains(Validity.of(certificate));
        assertThat(shown.validity().orElseThrow().notAfter()).isEqualTo(certificate.getNotAfter().toInstant());
        assertThat(shown.expiredAt(now)).isFalse();
        assertThat(shown.expiredAt(certificate.getNotAfter().toInstant().plusSeconds(1))).isTrue();
    }

    @Test
    void endingBefore_listsExpiredAndSoonExpiringCertificates_soonestFirst_ofLiveTenants() {
        for (String account : new String[] {"acme-expired", "acme-soon", "acme-later", "acme-old"}) {
            admin.createAccount(ACME, account);
        }
        admin.createAccount(GLOBEX, "globex-soon");
        X509Certificate expired = issued("acme-expired", now.minus(Duration.ofDays(40)), Duration.ofDays(10));
        X509Certificate soon = issued("acme-soon", now, Duration.ofDays(20));
        X509Certificate globexSoon = issued("globex-soon", now, Duration.ofDays(10));
        register("acme-expired", expired);
        register("acme-soon", soon);
        register("acme-later", issued("acme-later", now, Duration.ofDays(100)));
        register("globex-soon", globexSoon);
        ExpiringClientCertificates certificates = new ExpiringClientCertificates(test.database());
        Instant deadline = now.plus(Validity.SOON);

        assertThat(certificates.endingBefore(deadline, Optional.empty()))
                .extracting(held -> held.tenant() + "/" + held.username(), held -> held.certificate().fingerprint())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("acme/acme-expired", fingerprint(expired)),
                        org.assertj.core.groups.Tuple.tuple("globex/globex-soon", fingerprint(globexSoon)),
                        org.assertj.core.groups.Tuple.tuple("acme/acme-soon", fingerprint(soon)));
        assertThat(certificates.endingBefore(deadline, Optional.of(ACME))).extracting(Held::username)
                .containsExactly("acme-expired", "acme-soon");
        assertThat(certificates.endingBefore(now, Optional.empty())).extracting(Held::username)
                .as("only the expired one by now").containsExactly("acme-expired");
        assertThat(certificates.endingBefore(deadline, Optional.empty()).get(0).certificate().expiredAt(now)).isTrue();
        assertThat(certificates.ofUnknownValidity(Optional.empty())).isEmpty();
        assertThatThrownBy(() -> certificates.endingBefore(deadline, Optional.of(TenantId.of("nope"))))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(GatewayException.Reason.NOT_FOUND));

        test.database().inTransaction(jdbc -> jdbc.update("UPDATE tenants SET status = 'SHREDDED' WHERE id = ?",
                GLOBEX.value()));

        assertThat(certificates.endingBefore(deadline, Optional.empty())).extracting(Held::username)
                .as("a shredded tenant's accounts log in no more").containsExactly("acme-expired", "acme-soon");
    }

    private void register(String username, X509Certificate certificate) {
        admin.addClientCertificate(username, certificate);
    }

    private static String fingerprint(X509Certificate certificate) {
        return io.vaultgate.core.pki.Fingerprints.sha256(certificate);
    }

    /** A client certificate issued at {@code issuedAt} (valid from 5 minutes before) for {@code validity}. */
    static X509Certificate issued(String name, Instant issuedAt, Duration validity) {
        Clock clock = Clock.fixed(issuedAt, ZoneOffset.UTC);
        return CertificateAuthority.create("clients", Duration.ofDays(1000), new SecureRandom(), clock)
                .issueClient(name, validity).certificate();
    }
}
