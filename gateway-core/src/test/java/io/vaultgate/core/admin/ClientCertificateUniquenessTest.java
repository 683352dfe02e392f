package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate logs in as one account: registering one an account holds to another account is refused as
 * taken, without naming another tenant's account, and the holder keeps logging in (before, the second registration
 * was stored and every login with the certificate then failed with a catalog error). On the catalog the run uses
 * (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}).
 */
class ClientCertificateUniquenessTest {

    private static final CertificateAuthority CLIENTS = CertificateAuthority.create("clients", Duration.ofDays(1),
            new SecureRandom(), Clock.systemUTC());

    @TempDir
    Path home;
    private TestCore test;
    private Administration admin;
    private X509Certificate certificate;
    private String fingerprint;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        admin = test.core().administration();
        test.client("acme", "acme-api", Protocol.HTTPS);
        test.client("acme", "acme-batch", Protocol.HTTPS);
        test.client("globex", "globex-api", Protocol.HTTPS);
        certificate = CLIENTS.issueClient("acme-api", Duration.ofDays(1)).certificate();
        fingerprint = Fingerprints.sha256(certificate);
        admin.addClientCertificate("acme-api", certificate);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void certificateHeldByAnAccount_registeredToAnotherTenantsAccount_isTaken_withoutNamingTheHolder_untilRevoked() {
        assertThatThrownBy(() -> admin.addClientCertificate("globex-api", certificate))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(CertificateTaken.class);
                    assertThat(e.clientMessage()).contains("client certificate " + fingerprint,
                            "is already registered to an account of another tenant").doesNotContain("acme");
                    assertThat(e.getMessage()).as("the log detail").contains("acme-api of tenant acme");
                });

        assertThat(login()).as("the holder still logs in").isInstanceOfSatisfying(AuthResult.Success.class,
                success -> assertThat(success.principal().name()).isEqualTo("acme-api"));
        assertThat(registrations()).isEqualTo(1);

        test.core().incidents().revocation().revokeCertificate("acme-api", fingerprint, "given to globex", "cli");
        admin.addClientCertificate("globex-api", certificate);
        assertThat(login()).as("revoked, it is free for another account").isInstanceOfSatisfying(
                AuthResult.Success.class, success -> assertThat(success.principal().name()).isEqualTo("globex-api"));
    }

    @Test
    void certificateHeldByAnAccount_registeredToAnotherAccountOfItsTenant_isTaken_namingTheHolder() {
        assertThatThrownBy(() -> admin.addClientCertificate("acme-batch", certificate))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("already registered to account acme-api of this tenant",
                            "vaultgate account revoke acme-api --certificate " + fingerprint);
                });
        assertThatThrownBy(() -> admin.createAccount(TenantId.of("globex"), "globex-new", certificate))
                .as("refused with the account made for it").isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.clientMessage()).contains("another tenant").doesNotContain("acme"));
        assertThat(registrations()).isEqualTo(1);
        assertThat(admin.accounts(TenantId.of("globex"))).as("no account left behind").extracting("username")
                .containsExactly("globex-api");
    }

    /**
     * {@code account add --client-cert} twice at once with one certificate for two new accounts: one account is made
     * with it, the other creation is refused as taken and leaves no account (before, each checked the certificate
     * free, then created its account, and the second registration failed after its account was committed).
     */
    @Test
    void twoAccountsCreatedWithOneCertificateAtOnce_oneIsMade_theOtherLeavesNoAccount() throws Exception {
        X509Certificate fresh = CLIENTS.issueClient("shared", Duration.ofDays(1)).certificate();

        Race.Outcome outcome = Race.run(() -> admin.createAccount(TenantId.of("acme"), "acme-new", fresh),
                () -> admin.createAccount(TenantId.of("globex"), "globex-new", fresh));

        List<String> made = java.util.stream.Stream.of("acme", "globex").flatMap(tenant -> admin.accounts(
                TenantId.of(tenant)).stream()).map(io.vaultgate.core.tenant.Account::username)
                .filter(username -> username.endsWith("-new")).toList();
        assertThat(outcome.exactlyOne()).as("%s", outcome).isTrue();
        assertThat(made).as("only the account that got the certificate").containsExactly(outcome.first()
                ? "acme-new" : "globex-new");
        assertThat(test.core().administration().credentials().account(made.get(0)).orElseThrow().certificates())
                .extracting(CredentialInventory.ClientCertificate::fingerprint)
                .containsExactly(Fingerprints.sha256(fresh));
    }

    @Test
    void certificateRegisteredAgainToItsAccount_changesNothing() {
        assertThat(admin.addClientCertificate("acme-api", certificate).fingerprint()).isEqualTo(fingerprint);

        assertThat(login()).isInstanceOf(AuthResult.Success.class);
        assertThat(registrations()).isEqualTo(1);
    }

    /** Two administrators (or two nodes) registering a new certificate at once: one gets it, the other a 409. */
    @Test
    void twoRegistrationsOfOneCertificateAtOnce_oneGetsIt_theOtherIsTaken() throws Exception {
        X509Certificate fresh = CLIENTS.issueClient("shared", Duration.ofDays(1)).certificate();

        Race.Outcome outcome = Race.run(() -> admin.addClientCertificate("acme-batch", fresh),
                () -> admin.addClientCertificate("globex-api", fresh));

        long registered = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM account_certificates "
                + "WHERE fingerprint = ?", Fingerprints.sha256(fresh)));
        assertThat(outcome.exactlyOne()).as("%s", outcome).isTrue();
        assertThat(registered).isEqualTo(1);
    }

    /**
     * Should the catalog ever hold a certificate for two accounts (its unique index lost, a restore of an old dump),
     * its logins are refused as an unknown certificate's, not failed as the catalog's error (a 500).
     */
    @Test
    void certificateTheCatalogHoldsForTwoAccounts_logsNobodyIn() {
        String globex = test.database().read(jdbc -> jdbc.queryOne("SELECT id FROM accounts WHERE username = ?",
                row -> row.getString(1), "globex-api")).orElseThrow();
        test.database().inTransaction(jdbc -> {
            jdbc.update("DROP INDEX account_certificates_by_fingerprint");
            return jdbc.update("INSERT INTO account_certificates (account_id, fingerprint, subject, created_at) "
                    + "VALUES (?, ?, 'CN=acme-api', 1)", globex, fingerprint);
        });

        assertThat(login()).isInstanceOfSatisfying(AuthResult.Failure.class,
                failure -> assertThat(failure.reason()).isEqualTo(AuthFailure.UNKNOWN_USER));
    }

    private AuthResult login() {
        return test.core().authenticator().byCertificate(fingerprint, Protocol.HTTPS, "127.0.0.1");
    }

    private long registrations() {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM account_certificates WHERE fingerprint "
                + "= ?", fingerprint));
    }
}
