package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's password login (uxreview F4): a password for an account of a tenant that refuses password login is
 * refused, naming the tenant and the fix, and nothing is recorded; {@link Administration#setPasswordLogin} switches
 * the setting either way, audited once with its actor, and a refusal holds for the very next login. An account made
 * with its password is refused alike, leaving no account ({@link AccountWithPasswordTest}).
 */
class TenantPasswordLoginTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String FIX = "tenant acme does not allow password login; enable it with `vaultgate tenant set "
            + "acme --allow-password`";

    @TempDir
    Path home;
    private TestCore test;
    private Administration admin;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        test.client("acme", "acme-pw", Protocol.SFTP); // a tenant created as it is by default: passwords refused
        admin = test.core().administration();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void password_forAnAccountOfATenantThatRefusesPasswords_isRefused_namingTheFix_andNothingIsRecorded() {
        long records = auditRecords();

        assertThatThrownBy(() -> admin.setPassword("acme-pw", PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(PasswordLoginRefused.class);
                    assertThat(e.clientMessage()).startsWith(FIX);
                });

        assertThat(passwordHash("acme-pw")).as("no password stored").isEmpty();
        assertThat(auditRecords()).as("nothing audited").isEqualTo(records);
    }

    @Test
    void afterAllowingPasswords_thePasswordIsSet_andLogsIn() {
        assertThat(admin.setPasswordLogin(ACME, true).passwordLoginAllowed()).isTrue();
        assertThat(admin.tenant(ACME).orElseThrow().passwordLoginAllowed()).isTrue();

        admin.setPassword("acme-pw", PASSWORD.toCharArray());

        assertThat(login()).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void afterRefusingPasswords_theNextPasswordLoginIsRefused_andTheAccountKeepsItsPasswordForLater() {
        admin.setPasswordLogin(ACME, true);
        admin.setPassword("acme-pw", PASSWORD.toCharArray());
        assertThat(login()).isInstanceOf(AuthResult.Success.class);

        assertThat(admin.setPasswordLogin(ACME, false).passwordLoginAllowed()).isFalse();

        assertThat(login()).isEqualTo(new AuthResult.Failure("acme-pw", AuthFailure.METHOD_NOT_ALLOWED));
        assertThat(passwordHash("acme-pw")).as("kept, refused by the policy only").isPresent();
        assertThatThrownBy(() -> admin.setPassword("acme-pw", "another long password".toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getCause())
                        .isInstanceOf(PasswordLoginRefused.class));
        admin.setPasswordLogin(ACME, true);
        assertThat(login()).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void eachChange_isAuditedOnce_withItsActorAndWhatChanged_andNoChangeIsNotAudited() {
        admin.as("admin:alice").setPasswordLogin(ACME, true);
        admin.as("admin:alice").setPasswordLogin(ACME, true);
        admin.as("cli:bob").setPasswordLogin(ACME, false);

        List<String> changes = Arrays.stream(test.auditOf(ACME).split("\n"))
                .filter(line -> line.contains("password login")).toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).contains("\"action\":\"TENANT_UPDATED\"", "\"actor\":\"admin:alice\"",
                "\"subject\":\"acme password login allowed\"");
        assertThat(changes.get(1)).contains("\"action\":\"TENANT_UPDATED\"", "\"actor\":\"cli:bob\"",
                "\"subject\":\"acme password login refused\"");
    }

    @Test
    void shreddedTenant_cannotBeSwitched_andAnUnknownOneIsNotFound() {
        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

        assertThatThrownBy(() -> admin.setPasswordLogin(ACME, true))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("was shredded");
                });
        assertThat(admin.tenant(ACME).orElseThrow().passwordLoginAllowed()).isFalse();
        assertThatThrownBy(() -> admin.setPasswordLogin(TenantId.of("nobody"), true))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_FOUND));
    }

    private AuthResult login() {
        return test.core().authenticator().byPassword("acme-pw", PASSWORD.toCharArray(), Protocol.SFTP, "192.0.2.1");
    }

    private Optional<String> passwordHash(String username) {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT password_hash FROM accounts WHERE username = ?",
                row -> Optional.ofNullable(row.getString(1)), username)).flatMap(hash -> hash);
    }

    private long auditRecords() {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events"));
    }
}
