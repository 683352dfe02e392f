package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginPolicyTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";
    private static final String FINGERPRINT = "SHA256:XZAbVVMB7KOYy8d1svBVu4ov4OeDXCfS6rqxB5Nnac4";

    @TempDir
    Path home;

    @Test
    void tenantsSourceAllowlist_admitsOnlyItsNetworks_andFailsClosedOnOddAddresses() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            test.core().administration().addSshKey("acme-up", KEY);
            test.core().administration().setAllowedSources(client.tenant(), List.of(Cidr.parse("198.51.100.0/24")));
            Authenticator auth = test.core().authenticator();

            assertThat(auth.byPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "198.51.100.7"))
                    .isInstanceOf(AuthResult.Success.class);
            assertThat(auth.byPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "203.0.113.7"))
                    .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.SOURCE_NOT_ALLOWED));
            assertThat(auth.byPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "unknown"))
                    .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.SOURCE_NOT_ALLOWED));
        }
    }

    @Test
    void registeredClientCertificate_logsItsAccountIn_othersDoNot() {
        try (TestCore test = TestCore.create(home)) {
            test.client("acme", "acme-api", Protocol.HTTPS);
            CertificateAuthority ca = CertificateAuthority.create("clients", Duration.ofDays(1), new SecureRandom(),
                    Clock.systemUTC());
            IssuedCertificate mine = ca.issueClient("acme-api", Duration.ofDays(1));
            IssuedCertificate other = ca.issueClient("someone", Duration.ofDays(1));
            test.core().administration().addClientCertificate("acme-api", mine.certificate());

            assertThat(test.core().authenticator().byCertificate(Fingerprints.sha256(mine.certificate()),
                    Protocol.HTTPS, "127.0.0.1")).isInstanceOfSatisfying(AuthResult.Success.class,
                    success -> assertThat(success.principal().name()).isEqualTo("acme-api"));
            assertThat(test.core().authenticator().byCertificate(Fingerprints.sha256(other.certificate()),
                    Protocol.HTTPS, "127.0.0.1")).isInstanceOf(AuthResult.Failure.class);
        }
    }

    @Test
    void passwordLoginToAnAccountWithoutPassword_isAPlainFailure() {
        try (TestCore test = TestCore.create(home)) {
            test.client("acme", "acme-nopw", Protocol.HTTPS);
            assertThat(test.core().authenticator().byPassword("acme-nopw", "whatever-long-pw".toCharArray(),
                    Protocol.HTTPS, "127.0.0.1")).as("audited as a wrong password, shown as the tenant's policy")
                    .isEqualTo(new AuthResult.Failure("acme-nopw", AuthFailure.BAD_CREDENTIAL,
                            AuthFailure.METHOD_NOT_ALLOWED));
        }
    }
}
