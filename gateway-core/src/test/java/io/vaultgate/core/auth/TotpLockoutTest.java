package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TotpCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong TOTP codes count towards a lockout of the name's second factor, wherever they come from: someone
 * holding a stolen token cannot guess codes from many addresses (each scoring too little for a ban). A right
 * code resets the count; a right password that still needs its second factor does not reset the password count, a
 * completed two-factor login does.
 */
class TotpLockoutTest {

    private static final int FAILURES = DefenderPolicy.defaults().lockoutFailures();
    private static final Duration LOCKOUT = DefenderPolicy.defaults().lockoutTime();
    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:10Z"));
    private TestCore test;
    private Authenticator auth;
    private String token;
    private byte[] key;

    @BeforeEach
    void operatorWithTotp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR, Role.CLIENT)))),
                clock);
        test.operator("manila", "maria", Protocol.HTTPS);
        key = TotpCodes.decode(test.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test").secret());
        token = test.core().sites().issueOperatorToken("maria", "laptop");
        auth = test.core().authenticator();
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        test.close();
    }

    @Test
    void wrongCodesFromManyAddresses_lockTheSecondFactor_evenAgainstTheRightCode_untilTheLockoutEnds() {
        for (int i = 0; i < FAILURES; i++) {
            assertThat(auth.byTokenAndTotp(token, wrongCode(i), Protocol.HTTPS, "198.51.100." + (i + 1)))
                    .isEqualTo(new AuthResult.Failure("maria", AuthFailure.MFA_FAILED));
        }

        assertThat(auth.byTokenAndTotp(token, rightCode(), Protocol.HTTPS, "203.0.113.9"))
                .isEqualTo(new AuthResult.Failure("maria", AuthFailure.ACCOUNT_LOCKED_OUT));
        clock.advance(LOCKOUT.plusSeconds(31));
        assertThat(auth.byTokenAndTotp(token, rightCode(), Protocol.HTTPS, "203.0.113.9"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void theSftpTotpStep_countsTowardsTheSameLockout() {
        Principal maria = ((AuthResult.Success) auth.byToken(token, Protocol.SFTP, "198.51.100.1")).principal();
        for (int i = 0; i < FAILURES; i++) {
            assertThat(auth.byTotp(maria, wrongCode(i), Protocol.SFTP, "198.51.100." + (i + 1)))
                    .isEqualTo(new AuthResult.Failure("maria", AuthFailure.MFA_FAILED));
        }

        assertThat(auth.byTotp(maria, rightCode(), Protocol.SFTP, "203.0.113.9"))
                .isEqualTo(new AuthResult.Failure("maria", AuthFailure.ACCOUNT_LOCKED_OUT));
    }

    @Test
    void aRightCode_resetsTheCount() {
        for (int i = 0; i < FAILURES - 1; i++) {
            auth.byTokenAndTotp(token, wrongCode(i), Protocol.HTTPS, "198.51.100.1");
        }
        assertThat(auth.byTokenAndTotp(token, rightCode(), Protocol.HTTPS, "198.51.100.1"))
                .isInstanceOf(AuthResult.Success.class);
        clock.advance(Duration.ofSeconds(30)); // a code is accepted once; the next step's is a new one
        for (int i = 0; i < FAILURES - 1; i++) {
            auth.byTokenAndTotp(token, wrongCode(i), Protocol.HTTPS, "198.51.100.2");
        }

        assertThat(auth.byTokenAndTotp(token, rightCode(), Protocol.HTTPS, "198.51.100.2"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void aRightPasswordThatStillNeedsItsSecondFactor_doesNotResetThePasswordCount() {
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
        test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
        test.core().administration().setPassword("acme-up", PASSWORD);
        for (int i = 0; i < FAILURES - 1; i++) {
            auth.byPassword("acme-up", ("wrong " + i).toCharArray(), Protocol.HTTPS, "198.51.100." + (i + 1));
        }
        assertThat(auth.byPassword("acme-up", PASSWORD, Protocol.HTTPS, "198.51.100.20"))
                .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.MFA_REQUIRED));

        assertThat(auth.byPassword("acme-up", "wrong again".toCharArray(), Protocol.HTTPS, "198.51.100.21"))
                .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL));
        assertThat(auth.byPassword("acme-up", PASSWORD, Protocol.HTTPS, "198.51.100.22"))
                .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.ACCOUNT_LOCKED_OUT));
    }

    @Test
    void aCompletedTwoFactorLogin_resetsTheCountOfItsFirstStep() {
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
        test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
        test.core().administration().setPassword("acme-up", PASSWORD);
        for (int i = 0; i < FAILURES - 1; i++) {
            auth.byPassword("acme-up", ("wrong " + i).toCharArray(), Protocol.HTTPS, "198.51.100." + (i + 1));
        }
        String acmeToken = test.core().administration().issueAccountToken("acme-up", "laptop");
        Principal acmeUp = ((AuthResult.Success) auth.byToken(acmeToken, Protocol.SFTP, "198.51.100.20")).principal();
        byte[] acmeKey = TotpCodes.decode(test.core().incidents().mfa().enroll(Role.CLIENT, "acme-up", "cli:test")
                .secret());
        assertThat(auth.byTotp(acmeUp, Totp.code(acmeKey, Totp.step(clock.instant())), Protocol.SFTP,
                "198.51.100.20")).isInstanceOf(AuthResult.Success.class);

        assertThat(auth.byPassword("acme-up", "wrong again".toCharArray(), Protocol.HTTPS, "198.51.100.21"))
                .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL));
        assertThat(auth.byPassword("acme-up", PASSWORD, Protocol.HTTPS, "198.51.100.22"))
                .as("not locked: the completed login reset the count").isEqualTo(new AuthResult.Failure("acme-up",
                        AuthFailure.MFA_REQUIRED));
    }

    private String rightCode() {
        return Totp.code(key, Totp.step(clock.instant()));
    }

    /** A code none of the accepted steps (the current one and one either side) gives. */
    private String wrongCode(int n) {
        long now = Totp.step(clock.instant());
        for (int candidate = n; ; candidate += 7919) {
            String code = String.format("%06d", candidate % 1_000_000);
            if (!code.equals(Totp.code(key, now - 1)) && !code.equals(Totp.code(key, now))
                    && !code.equals(Totp.code(key, now + 1))) {
                return code;
            }
        }
    }
}
