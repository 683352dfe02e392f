package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog at V24, in which one client certificate is registered to accounts of two tenants and another to two
 * accounts of one tenant, as older versions let an administrator do, upgraded by the gateway on the catalog the run
 * uses (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}). The upgrade must not be refused; a
 * certificate held twice logs nobody in (as before: every such login failed) and its registrations are set aside in
 * {@code account_certificate_conflicts} until an administrator registers it to one account; a certificate held once
 * goes on logging its account in; from then on a fingerprint is registered to one account at most.
 */
class CertificateConflictsMigrationTest {

    @TempDir
    Path home;
    private OldCatalog old;
    private TestCore test;

    @AfterEach
    void close() {
        if (test != null) {
            test.close();
        }
        if (old != null) {
            old.close();
        }
    }

    @Test
    void aCatalogAtV24_withCertificatesHeldTwice_isUpgraded_settingTheirRegistrationsAside() throws SQLException {
        CertificateAuthority clients = CertificateAuthority.create("clients", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC());
        X509Certificate acrossTenants = clients.issueClient("acme-api", Duration.ofDays(1)).certificate();
        String across = Fingerprints.sha256(acrossTenants);
        String withinTenant = "b".repeat(64);
        String single = "c".repeat(64);
        old = OldCatalog.at(24, home,
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', 'ACTIVE', "
                        + "'HTTPS', 0)",
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('globex', 'Globex', 'ACTIVE', "
                        + "'HTTPS', 0)",
                account("acc_api", "acme", "acme-api"),
                account("acc_batch", "acme", "acme-batch"),
                account("acc_globex", "globex", "globex-api"),
                certificate("acc_api", across, 10),
                certificate("acc_globex", across, 11),
                certificate("acc_api", withinTenant, 12),
                certificate("acc_batch", withinTenant, 13),
                certificate("acc_batch", single, 14));

        test = TestCore.over(home, old.upgraded());

        assertThat(rows("account_certificates")).containsExactly("acc_batch " + single);
        assertThat(rows("account_certificate_conflicts")).containsExactlyInAnyOrder("acc_api " + across,
                "acc_globex " + across, "acc_api " + withinTenant, "acc_batch " + withinTenant);
        assertRefused(login(across));
        assertRefused(login(withinTenant));
        assertThat(login(single)).isInstanceOfSatisfying(AuthResult.Success.class,
                success -> assertThat(success.principal().name()).isEqualTo("acme-batch"));

        test.core().administration().addClientCertificate("acme-api", acrossTenants);

        assertThat(login(across)).as("registered again, to one account").isInstanceOfSatisfying(
                AuthResult.Success.class, success -> assertThat(success.principal().name()).isEqualTo("acme-api"));
        assertThat(rows("account_certificate_conflicts")).as("resolved")
                .containsExactlyInAnyOrder("acc_api " + withinTenant, "acc_batch " + withinTenant);
        assertThatThrownBy(() -> test.core().administration().addClientCertificate("globex-api", acrossTenants))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO account_certificates "
                + "(account_id, fingerprint, subject, created_at) VALUES ('acc_api', ?, 'CN=x', 15)", single)))
                .as("the fingerprint is unique").isInstanceOf(CatalogException.class);
    }

    private static String account(String id, String tenant, String username) {
        return "INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('" + id + "', '" + tenant + "', '"
                + username + "', 1)";
    }

    private static String certificate(String account, String fingerprint, long createdAt) {
        return "INSERT INTO account_certificates (account_id, fingerprint, subject, created_at) VALUES ('" + account
                + "', '" + fingerprint + "', 'CN=" + account + "', " + createdAt + ")";
    }

    /** Refused as an unknown certificate's login, not failed as a catalog error. */
    private static void assertRefused(AuthResult login) {
        assertThat(login).isInstanceOfSatisfying(AuthResult.Failure.class,
                failure -> assertThat(failure.reason()).isEqualTo(AuthFailure.UNKNOWN_USER));
    }

    private AuthResult login(String fingerprint) {
        return test.core().authenticator().byCertificate(fingerprint, Protocol.HTTPS, "127.0.0.1");
    }

    private List<String> rows(String table) {
        return test.database().read(jdbc -> jdbc.query("SELECT account_id, fingerprint FROM " + table
                + " ORDER BY account_id, fingerprint", row -> row.getString(1) + " " + row.getString(2)));
    }
}
