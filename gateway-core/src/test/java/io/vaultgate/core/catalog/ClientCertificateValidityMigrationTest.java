package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.admin.CredentialInventory;
import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.ExpiringClientCertificates;
import io.vaultgate.core.admin.ExpiringClientCertificates.Held;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.Validity;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog at V33 holds a client certificate by fingerprint and subject only; V34 adds its validity. The upgrade
 * leaves an existing row's validity unknown (NULL): the catalog never stored the certificate, so no date is made
 * up. The certificate goes on logging its account in, is listed as of unknown expiry, and registering it again to its
 * account (as {@code vaultgate account add-cert} does) records its validity and changes nothing else. Run on the catalog the run uses (SQLite, or PostgreSQL).
 */
class ClientCertificateValidityMigrationTest {

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
    void aCatalogAtV33_keepsItsCertificates_withValidityUnknown_untilOneIsRegisteredAgain() throws SQLException {
        X509Certificate certificate = CertificateAuthority.create("clients", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC()).issueClient("acme-api", Duration.ofDays(1)).certificate();
        String fingerprint = Fingerprints.sha256(certificate);
        old = OldCatalog.at(33, home,
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', 'ACTIVE', "
                        + "'HTTPS', 0)",
                "INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_api', 'acme', 'acme-api', 1)",
                "INSERT INTO account_certificates (account_id, fingerprint, subject, created_at) VALUES ('acc_api', '"
                        + fingerprint + "', 'CN=acme-api', 10)");

        test = TestCore.over(home, old.upgraded());

        assertThat(validityColumns(fingerprint)).as("not_before, not_after").containsExactly(null, null);
        ClientCertificate kept = inventory().account("acme-api").orElseThrow().certificates().get(0);
        assertThat(kept.fingerprint()).isEqualTo(fingerprint);
        assertThat(kept.validity()).as("unknown").isEmpty();
        assertThat(kept.expiredAt(Instant.now().plus(Duration.ofDays(36_500)))).as("never taken for expired").isFalse();
        ExpiringClientCertificates expiring = new ExpiringClientCertificates(test.database());
        assertThat(expiring.ofUnknownValidity(Optional.empty())).extracting(Held::username).containsExactly("acme-api");
        assertThat(expiring.endingBefore(Instant.now().plus(Duration.ofDays(36_500)), Optional.empty())).isEmpty();
        assertThat(test.core().authenticator().byCertificate(fingerprint, Protocol.HTTPS, "127.0.0.1"))
                .isInstanceOf(AuthResult.Success.class);

        test.core().administration().addClientCertificate("acme-api", certificate); // as account add-cert does

        assertThat(inventory().account("acme-api").orElseThrow().certificates()).singleElement()
                .satisfies(again -> {
                    assertThat(again.validity()).contains(Validity.of(certificate));
                    assertThat(again.added()).as("still the first registration").isEqualTo(Instant.ofEpochMilli(10));
                });
        assertThat(expiring.ofUnknownValidity(Optional.empty())).isEmpty();
        assertThat(expiring.endingBefore(Instant.now().plus(Duration.ofDays(2)), Optional.empty()))
                .extracting(Held::username).containsExactly("acme-api");
    }

    private CredentialInventory inventory() {
        return new CredentialInventory(test.database(), Clock.systemUTC());
    }

    private List<Long> validityColumns(String fingerprint) {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT not_before, not_after FROM account_certificates "
                + "WHERE fingerprint = ?", row -> Arrays.asList(row.getObject(1) == null ? null
                : row.getLong(1), row.getObject(2) == null ? null : row.getLong(2)), fingerprint)).orElseThrow();
    }
}
