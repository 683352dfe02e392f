package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A shredded tenant gets no new account and none of its accounts a new credential (SSH key, client certificate,
 * password, API token, TOTP secret): the shred forgot them all for good. A locked tenant still does (credentials are replaced
 * during an incident).
 */
class ShreddedTenantCredentialsTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";
    private static final CertificateAuthority CLIENTS = CertificateAuthority.create("clients", Duration.ofDays(1),
            new SecureRandom(), Clock.systemUTC());

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        test.core().administration().createTenant(ACME, "Acme", true); // allows passwords: one is a credential here
        test.client("acme", "acme-api", Protocol.HTTPS);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    static Stream<Arguments> writers() {
        return Stream.of(
                writer("account", admin -> admin.createAccount(ACME, "acme-new")),
                writer("ssh key", admin -> admin.addSshKey("acme-api", KEY)),
                writer("client certificate", admin -> admin.addClientCertificate("acme-api",
                        CLIENTS.issueClient("acme-api", Duration.ofDays(1)).certificate())),
                writer("password", admin -> admin.setPassword("acme-api", "a long enough password".toCharArray())),
                writer("api token", admin -> admin.issueAccountToken("acme-api", "ci")),
                Arguments.of("totp secret", (Consumer<GatewayCore>) core -> core.incidents().mfa()
                        .enroll(Role.CLIENT, "acme-api", "cli:test")));
    }

    private static Arguments writer(String name, Consumer<Administration> write) {
        return Arguments.of(name, (Consumer<GatewayCore>) core -> write.accept(core.administration()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void writerOfAnAccountOrCredential_ofAShreddedTenant_isRefused(String name, Consumer<GatewayCore> write) {
        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");
        long records = auditRecords();

        assertThatThrownBy(() -> write.accept(test.core())).as(name)
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).isEqualTo("tenant acme was shredded (offboarded); it cannot be "
                            + "given accounts or credentials, and its id is never reused");
                });
        assertThat(auditRecords()).as("nothing audited: nothing was written").isEqualTo(records);
        assertThat(test.core().administration().accounts(ACME)).extracting(a -> a.username())
                .containsExactly("acme-api");
        assertThat(test.core().administration().sshKeyFingerprints("acme-api")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void writerOfAnAccountOrCredential_ofALockedTenant_isAllowed(String name, Consumer<GatewayCore> write) {
        test.core().incidents().lockdown().lockdown(ACME, "incident", "cli:test");

        write.accept(test.core());
    }

    @Test
    void writerOfACredential_ofAnUnknownAccount_isNotFound_asBefore() {
        assertThatThrownBy(() -> test.core().administration().addSshKey("nobody", KEY))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    private long auditRecords() {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events"));
    }
}
