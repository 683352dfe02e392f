package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TotpCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password step of an SFTP login that goes on to its TOTP code ({@link Authenticator#firstFactorByPassword}): a
 * right password of a role that requires MFA is a partial, no login (no success audited, no count reset, scored as
 * a wrong password), the completed login one success; a right password alone ({@link Authenticator#byPassword}) of
 * such a role is refused over SFTP too. A signature that did not verify ({@link Authenticator#refusedSignature}) is
 * refused as a wrong key: audited, scored, counted towards the key lockout.
 */
class PasswordFirstFactorTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private static final int FAILURES = 3;

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:10Z"));
    private TestCore test;
    private Authenticator auth;
    private byte[] secret;

    @BeforeEach
    void accountsOfARoleThatRequiresMfa() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(AccessPolicy
                .defaults().withDefender(DefenderPolicy.defaults().withBans(3, Duration.ofMinutes(5),
                        Duration.ofHours(1)).withLockout(FAILURES, Duration.ofMinutes(30), KeyLoginPolicy.LOCK))
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT)))), clock);
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
        for (String name : new String[] {"acme-a", "acme-b"}) {
            test.core().administration().createAccount(TenantId.of("acme"), name);
            test.core().administration().setPassword(name, PASSWORD);
        }
        secret = TotpCodes.decode(test.core().incidents().mfa().enroll(Role.CLIENT, "acme-a", "cli:test").secret());
        auth = test.core().authenticator();
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void rightPassword_isAPartial_noSuccessNoReset_theCompletedLoginIsOneSuccess() {
        for (int i = 0; i < FAILURES - 1; i++) {
            assertThat(auth.firstFactorByPassword("acme-a", ("wrong " + i).toCharArray(), Protocol.SFTP, "192.0.2.1"))
                    .isEqualTo(new AuthResult.Failure("acme-a", AuthFailure.BAD_CREDENTIAL));
        }
        AuthResult first = auth.firstFactorByPassword("acme-a", PASSWORD, Protocol.SFTP, "192.0.2.2");
        assertThat(first).isInstanceOf(AuthResult.Partial.class);
        assertThat(audit("auth.succeeded")).as("a partial is no login").isEmpty();

        assertThat(auth.firstFactorByPassword("acme-a", "wrong again".toCharArray(), Protocol.SFTP, "192.0.2.3"))
                .isEqualTo(new AuthResult.Failure("acme-a", AuthFailure.BAD_CREDENTIAL));
        assertThat(auth.firstFactorByPassword("acme-a", PASSWORD, Protocol.SFTP, "192.0.2.4"))
                .as("the partial reset nothing: locked").isEqualTo(new AuthResult.Failure("acme-a",
                        AuthFailure.ACCOUNT_LOCKED_OUT));

        clock.advance(Duration.ofMinutes(31));
        AuthResult.Partial partial = (AuthResult.Partial) auth.firstFactorByPassword("acme-a", PASSWORD,
                Protocol.SFTP, "192.0.2.5");
        assertThat(partial.credential()).startsWith("password:");
        assertThat(auth.byTotp(partial.principal(), Totp.code(secret, Totp.step(clock.instant())), Protocol.SFTP,
                "192.0.2.5")).isInstanceOf(AuthResult.Success.class);
        assertThat(audit("auth.succeeded")).as("one success, the TOTP step's").hasSize(1)
                .allMatch(event -> event.contains("\"method\":\"totp\""));
    }

    @Test
    void rightPasswordAlone_ofSuchARole_isRefusedOverSftpToo() {
        assertThat(auth.byPassword("acme-a", PASSWORD, Protocol.SFTP, "192.0.2.1"))
                .isEqualTo(new AuthResult.Failure("acme-a", AuthFailure.MFA_REQUIRED));
        assertThat(audit("auth.succeeded")).isEmpty();
    }

    @Test
    void rightPasswordOfARoleWithoutMfa_isALogin() throws Exception {
        try (TestCore operatorsOnly = TestCore.create(Files.createDirectories(home.resolve("operators-only")), new GatewayCore.Settings(
                Duration.ofHours(24), 64).withAccess(AccessPolicy.defaults().withMfa(MfaPolicy.defaults()
                        .requiring(Set.of(Role.OPERATOR)))), clock)) {
            operatorsOnly.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
            operatorsOnly.core().administration().createAccount(TenantId.of("acme"), "acme-c");
            operatorsOnly.core().administration().setPassword("acme-c", PASSWORD);

            assertThat(operatorsOnly.core().authenticator().firstFactorByPassword("acme-c", PASSWORD, Protocol.SFTP,
                    "192.0.2.1")).isInstanceOf(AuthResult.Success.class);
            assertThat(audit(operatorsOnly, "auth.succeeded")).hasSize(1)
                    .allMatch(event -> event.contains("\"method\":\"password\""));
        }
    }

    @Test
    void aPartial_isScoredAsAWrongPassword() {
        Defender defender = test.core().incidents().defender();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(auth.firstFactorByPassword("acme-a", PASSWORD, Protocol.SFTP, "192.0.2.1"))
                    .isInstanceOf(AuthResult.Partial.class);
            auth.firstFactorByPassword("acme-b", ("wrong " + attempt).toCharArray(), Protocol.SFTP, "192.0.2.2");
            assertThat(defender.admits("192.0.2.1", "connect")).as("right passwords, after %d", attempt)
                    .isEqualTo(defender.admits("192.0.2.2", "connect"));
        }
        assertThat(defender.admits("192.0.2.1", "connect")).isFalse();
    }

    @Test
    void refusedSignature_isAWrongKey_auditedScoredAndCountedTowardsTheKeyLockout() {
        for (int i = 0; i < FAILURES; i++) {
            assertThat(auth.refusedSignature("acme-a", Protocol.SFTP, "192.0.2." + (i + 1)))
                    .isEqualTo(new AuthResult.Failure("acme-a", AuthFailure.BAD_CREDENTIAL));
        }
        assertThat(auth.refusedSignature("acme-a", Protocol.SFTP, "192.0.2.9"))
                .as("counted towards the key lockout").isEqualTo(new AuthResult.Failure("acme-a",
                        AuthFailure.ACCOUNT_LOCKED_OUT));
        assertThat(auth.refusedSignature("nobody", Protocol.SFTP, "192.0.2.10"))
                .isEqualTo(new AuthResult.Failure("nobody", AuthFailure.UNKNOWN_USER));
        assertThat(audit("auth.failed")).hasSize(FAILURES + 2);
        for (int i = 0; i < 2; i++) {
            auth.refusedSignature("acme-b", Protocol.SFTP, "192.0.2.20");
        }
        assertThat(test.core().incidents().defender().admits("192.0.2.20", "connect")).isTrue();
        auth.refusedSignature("acme-b", Protocol.SFTP, "192.0.2.20");
        assertThat(test.core().incidents().defender().admits("192.0.2.20", "connect")).as("scored: banned at 3")
                .isFalse();
    }

    private List<String> audit(String kind) {
        return audit(test, kind);
    }

    private static List<String> audit(TestCore test, String kind) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = ? ORDER BY seq",
                row -> row.getString(1), kind));
    }
}
