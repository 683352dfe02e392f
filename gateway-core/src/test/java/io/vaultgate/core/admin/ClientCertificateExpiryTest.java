package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.ExpiringClientCertificates.Held;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.CertificateState;
import io.vaultgate.core.pki.Validity;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
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
 * logins ({@code account list --certificates-expiring}, {@code doctor}). An expired certificate is refused at
 * registration; one not valid yet is registered and said so. The core runs on a {@link MutableClock} that starts
 * {@link #EARLIER} before {@link #now}: certificates expired by {@code now} are registered while they were valid, then
 * the clock is moved on. Run on SQLite and PostgreSQL.
 */
class ClientCertificateExpiryTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private static final Duration EARLIER = Duration.ofDays(40);

    @TempDir
    Path home;
    private TestCore test;
    private Administration admin;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final MutableClock clock = new MutableClock(now.minus(EARLIER));

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
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
        clock.advance(EARLIER);
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
        X509Certificate expired = issued("acme-expired", now.minus(EARLIER), Duration.ofDays(10));
        X509Certificate soon = issued("acme-soon", now, Duration.ofDays(20));
        X509Certificate globexSoon = issued("globex-soon", now, Duration.ofDays(10));
        register("acme-expired", expired); // while it was valid
        clock.advance(EARLIER);
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

    @Test
    void anExpiredCertificate_isRefused_namingItsNotAfter_andNothingIsRegisteredNorCreated() {
        clock.advance(EARLIER);
        admin.createAccount(ACME, "acme-api");
        X509Certificate expired = issued("acme-api", now.minus(EARLIER), Duration.ofDays(10));
        String notAfter = expired.getNotAfter().toInstant().toString();

        assertThatThrownBy(() -> register("acme-api", expired)).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_REQUEST);
                    assertThat(e.getCause()).isInstanceOf(CertificateExpired.class);
                    assertThat(e.clientMessage()).contains("client certificate " + fingerprint(expired) + " expired on "
                            + notAfter, "register the new one");
                });
        assertThatThrownBy(() -> admin.createAccount(ACME, "acme-new", expired))
                .hasCauseInstanceOf(CertificateExpired.class);

        assertThat(admin.credentials().account("acme-api").orElseThrow().certificates()).isEmpty();
        assertThat(admin.accounts(ACME)).extracting("username").as("no account left behind")
                .containsExactly("acme-api");
    }

    /**
     * RFC 5280's validity includes {@code notAfter}: registered at that very instant a certificate is valid, and every
     * view agrees (not expired, not ending before it); one millisecond later it is refused and reported as expired.
     */
    @Test
    void atItsNotAfter_aCertificateIsRegisteredAndValid_oneMillisecondLaterRefusedAndExpired() {
        X509Certificate certificate = issued("acme-api", now.minus(EARLIER), Duration.ofDays(10));
        Instant notAfter = certificate.getNotAfter().toInstant();
        admin.createAccount(ACME, "acme-api");
        admin.createAccount(ACME, "acme-late");
        clock.advance(Duration.between(clock.instant(), notAfter));

        assertThat(admin.addClientCertificate("acme-api", certificate).state()).isEqualTo(CertificateState.VALID);
        ClientCertificate shown = admin.credentials().account("acme-api").orElseThrow().certificates().get(0);
        ExpiringClientCertificates expiring = new ExpiringClientCertificates(test.database());
        assertThat(shown.stateAt(notAfter)).isEqualTo(CertificateState.VALID);
        assertThat(expiring.endingBefore(notAfter, Optional.empty())).as("not ending before its last instant")
                .isEmpty();

        clock.advance(Duration.ofMillis(1));
        Instant after = clock.instant();

        assertThatThrownBy(() -> register("acme-late", certificate)).hasCauseInstanceOf(CertificateExpired.class);
        assertThat(shown.stateAt(after)).isEqualTo(CertificateState.EXPIRED);
        assertThat(expiring.endingBefore(after, Optional.empty())).extracting(Held::username)
                .containsExactly("acme-api");
    }

    /**
     * A certificate issued for next week's rollover is registered (refusing it would block a legitimate
     * preparation), and the registration and the inventory say it is not valid yet, until its {@code notBefore}.
     */
    @Test
    void aCertificateNotValidYet_isRegistered_andShownNotYetValid_untilItsNotBefore() {
        clock.advance(EARLIER);
        admin.createAccount(ACME, "acme-api");
        X509Certificate next = issued("acme-api", now.plus(Duration.ofDays(7)), Duration.ofDays(397));
        Instant notBefore = next.getNotBefore().toInstant();

        RegisteredCertificate registered = admin.addClientCertificate("acme-api", next);

        assertThat(registered.state()).isEqualTo(CertificateState.NOT_YET_VALID);
        assertThat(registered.validity()).isEqualTo(Validity.of(next));
        ClientCertificate shown = admin.credentials().account("acme-api").orElseThrow().certificates().get(0);
        assertThat(shown.stateAt(now)).isEqualTo(CertificateState.NOT_YET_VALID);
        assertThat(shown.stateAt(notBefore.minusMillis(1))).isEqualTo(CertificateState.NOT_YET_VALID);
        assertThat(shown.stateAt(notBefore)).isEqualTo(CertificateState.VALID);
        assertThat(CertificateState.NOT_YET_VALID.mayLogIn()).isFalse();
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
