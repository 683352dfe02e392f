package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.CredentialInventory.ClientCertificate;
import io.vaultgate.core.admin.CredentialInventory.Holder;
import io.vaultgate.core.admin.CredentialInventory.SshKey;
import io.vaultgate.core.admin.CredentialInventory.Token;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vaultgate account show|list} and {@code operator show} read: each credential by fingerprint, subject or
 * label, whether a password or TOTP secret exists, the login's state; never a secret (run on SQLite and PostgreSQL).
 */
class CredentialInventoryTest {

    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";
    private static final String PASSWORD = "a long enough password";

    @TempDir
    Path home;
    private TestCore test;
    private CredentialInventory inventory;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        inventory = new CredentialInventory(test.database(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void account_listsEachCredential_andNoSecret() {
        GatewayCore core = test.core();
        Administration admin = core.administration();
        admin.createTenant(GLOBEX, "Globex", true);
        admin.createAccount(GLOBEX, "globex-up");
        String fingerprint = admin.addSshKey("globex-up", KEY).fingerprint();
        X509Certificate certificate = CertificateAuthority.create("clients", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC()).issueClient("globex-up", Duration.ofDays(1)).certificate();
        String certificateFingerprint = admin.addClientCertificate("globex-up", certificate).fingerprint();
        admin.setPassword("globex-up", PASSWORD.toCharArray());
        String kept = admin.issueAccountToken("globex-up", "replacement");
        String leaked = admin.issueAccountToken("globex-up", "leaked");
        core.incidents().revocation().revokeToken("globex-up", leaked, "leak", "cli:test");
        String totp = core.incidents().mfa().enroll(Role.CLIENT, "globex-up", "cli:test").secret();

        Holder holder = inventory.account("globex-up").orElseThrow();

        assertThat(holder.role()).isEqualTo(Role.CLIENT);
        assertThat(holder.scope()).isEqualTo("globex");
        assertThat(holder.state()).isEqualTo("active");
        assertThat(holder.sshKeys()).extracting(SshKey::fingerprint, SshKey::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(fingerprint, "ssh-ed25519"));
        assertThat(holder.certificates()).extracting(ClientCertificate::fingerprint)
                .containsExactly(certificateFingerprint);
        assertThat(holder.certificates().get(0).subject()).isEqualTo(certificate.getSubjectX500Principal().getName());
        assertThat(holder.passwordSet()).isTrue();
        assertThat(holder.passwordLogin()).isTrue();
        assertThat(holder.tokens()).extracting(Token::label).containsExactly("replacement");
        assertThat(holder.totpEnrolled()).isTrue();
        assertThat(holder.toString()).doesNotContain(kept, leaked, PASSWORD, totp, KEY.split(" ")[1])
                .doesNotContainIgnoringCase("argon2");
    }

    @Test
    void accountState_followsItsExpiryAndTenant() {
        GatewayCore core = test.core();
        core.administration().createTenant(GLOBEX, "Globex", false);
        core.administration().createAccount(GLOBEX, "globex-old");
        core.administration().createAccount(GLOBEX, "globex-up");
        core.incidents().expiry().set("globex-old", Optional.of(Instant.parse("2020-01-01T00:00:00Z")), "cli:test");

        assertThat(inventory.accounts(GLOBEX)).extracting(Holder::username, Holder::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("globex-old", "expired"),
                org.assertj.core.groups.Tuple.tuple("globex-up", "active"));
        assertThat(inventory.account("globex-up").orElseThrow().passwordLogin()).isFalse();

        core.incidents().lockdown().lockdown(GLOBEX, "ticket 4711", "cli:test");

        assertThat(inventory.accounts(GLOBEX)).extracting(Holder::state).containsOnly("locked");
        assertThat(inventory.account("nobody")).isEmpty();
        assertThatThrownBy(() -> inventory.accounts(TenantId.of("nope"))).isInstanceOf(GatewayException.class)
                .hasMessage("tenant nope does not exist");
    }

    @Test
    void operator_showsKeysTokensAndTotp_untilRemoved() {
        GatewayCore core = test.core();
        test.operator("manila", "maria", io.vaultgate.core.tenant.Protocol.SFTP);
        String fingerprint = core.sites().addOperatorSshKey("maria", KEY).fingerprint();
        String token = core.sites().issueOperatorToken("maria", "laptop");
        core.incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");

        Holder active = inventory.operator("maria").orElseThrow();

        assertThat(active.role()).isEqualTo(Role.OPERATOR);
        assertThat(active.scope()).isEqualTo("manila");
        assertThat(active.state()).isEqualTo("active");
        assertThat(active.sshKeys()).extracting(SshKey::fingerprint).containsExactly(fingerprint);
        assertThat(active.tokens()).extracting(Token::label).containsExactly("laptop");
        assertThat(active.totpEnrolled()).isTrue();
        assertThat(active.toString()).doesNotContain(token);

        core.incidents().offboarding().removeOperator("maria", "left", "cli:test");

        Holder removed = inventory.operator("maria").orElseThrow();
        assertThat(removed.state()).isEqualTo("removed");
        assertThat(removed.sshKeys()).isEmpty();
        assertThat(removed.tokens()).isEmpty();
        assertThat(removed.totpEnrolled()).isFalse();
        assertThat(inventory.operator("nobody")).isEmpty();
    }
}
