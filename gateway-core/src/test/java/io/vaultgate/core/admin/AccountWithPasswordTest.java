package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account made with its password ({@code vaultgate account add --password-stdin}, review31 L6): one transaction
 * under the tenant's row lock, so a refused password leaves no account behind, also when the tenant is switched to
 * refusing passwords at the same moment: the account is made with its password before the switch, or not at all.
 * On SQLite and, in the {@code postgresql} execution, on PostgreSQL, where the two transactions really interleave.
 */
class AccountWithPasswordTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;
    private TestCore test;
    private Administration admin;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        admin = test.core().administration();
        admin.createTenant(ACME, "Acme", false); // as a tenant is made by default: passwords refused
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aPasswordTheTenantRefuses_leavesNoAccountBehind_andRecordsNothing() {
        long records = auditRecords();

        assertThatThrownBy(() -> admin.createAccount(ACME, "acme-pw", PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(PasswordLoginRefused.class);
                    assertThat(e.clientMessage()).startsWith("tenant acme does not allow password login; enable it "
                            + "with `vaultgate tenant set acme --allow-password`");
                });

        assertThat(admin.accounts(ACME)).as("no account").isEmpty();
        assertThat(auditRecords()).as("nothing audited").isEqualTo(records);
        assertThat(admin.createAccount(ACME, "acme-pw").username()).as("the name is free").isEqualTo("acme-pw");
    }

    @Test
    void aShortPassword_anUnknownTenant_andAShreddedOne_areRefused_leavingNoAccount() {
        admin.setPasswordLogin(ACME, true);
        assertThatThrownBy(() -> admin.createAccount(ACME, "acme-pw", "short".toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.INVALID_REQUEST));
        assertThatThrownBy(() -> admin.createAccount(TenantId.of("nobody"), "nobody-pw", PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_FOUND));
        assertThat(admin.accounts(ACME)).isEmpty();

        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");
        assertThatThrownBy(() -> admin.createAccount(ACME, "acme-pw", PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("was shredded");
                });
    }

    @Test
    void aPasswordTheTenantAllows_makesTheAccountWithIt_auditedAsBoth_andItLogsIn() {
        admin.setPasswordLogin(ACME, true);

        Account account = admin.as("cli:bob").createAccount(ACME, "acme-pw", PASSWORD.toCharArray());

        assertThat(account.username()).isEqualTo("acme-pw");
        assertThat(admin.accounts(ACME)).extracting(Account::username).containsExactly("acme-pw");
        assertThat(test.auditOf(ACME)).containsSubsequence("\"action\":\"ACCOUNT_CREATED\"",
                "\"subject\":\"acme-pw\"", "\"action\":\"CREDENTIAL_ADDED\"", "\"subject\":\"acme-pw password\"");
        assertThat(test.core().authenticator().byPassword("acme-pw", PASSWORD.toCharArray(), Protocol.SFTP,
                "192.0.2.1")).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void anAccountMadeWithAPassword_whileTheTenantIsSwitchedToRefusing_isMadeWithItOrNotAtAll() throws Exception {
        admin.setPasswordLogin(ACME, true);
        long alone = PasswordRace.timed(() -> admin.createAccount(ACME, "acme-alone", PASSWORD.toCharArray()));
        int made = 0;
        for (int round = 0; round < PasswordRace.ROUNDS; round++) {
            admin.setPasswordLogin(ACME, true);
            String name = "acme-race-" + round;

            PasswordRace.Round outcome = PasswordRace.run(round, alone,
                    () -> admin.createAccount(ACME, name, PASSWORD.toCharArray()),
                    () -> admin.setPasswordLogin(ACME, false));

            if (outcome.stored()) { // before the switch: the account with its password
                made++;
                assertThat(passwordHash(name)).as("round %d: made with its password", round).isPresent();
            } else { // after it: refused, and nothing made
                assertThat(outcome.refusal().orElseThrow().getCause()).as("round %d", round)
                        .isInstanceOf(PasswordLoginRefused.class);
                assertThat(admin.accounts(ACME)).as("round %d: no account left behind", round)
                        .extracting(Account::username).doesNotContain(name);
                assertThat(test.auditOf(ACME)).as("round %d: nothing audited", round)
                        .doesNotContain("\"subject\":\"" + name + "\"");
            }
        }
        assertThat(made).as("both orders were run: made before the switch, refused after it")
                .isBetween(1, PasswordRace.ROUNDS - 1);
    }

    @Test
    void anAccountMadeWithAPassword_whileASwitchToRefusingHoldsTheTenantsRow_waitsForIt_andIsNotMade()
            throws Exception {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        admin.setPasswordLogin(ACME, true);

        Future<Account> creation = HeldLocks.whileHeld(test.database(), jdbc -> jdbc.update(
                        "UPDATE tenants SET password_login = ? WHERE id = ?", false, ACME.value()), // the switch
                () -> admin.createAccount(ACME, "acme-pw", PASSWORD.toCharArray()));

        assertThatThrownBy(() -> creation.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getCause())
                        .isInstanceOf(PasswordLoginRefused.class));
        assertThat(admin.accounts(ACME)).as("no account left behind").isEmpty();
    }

    private Optional<String> passwordHash(String username) {
        return PasswordRace.storedHash(test.database(), username);
    }

    private long auditRecords() {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events"));
    }
}
