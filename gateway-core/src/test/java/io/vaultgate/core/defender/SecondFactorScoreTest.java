package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ban is observable (the next connection is closed), so it must not come later for right passwords: over HTTPS the
 * right password of a role that requires MFA is refused (it needs its second factor) and scores as a wrong one, else
 * the ban a run of guesses earns would be one attempt late for each right password among them.
 */
class SecondFactorScoreTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));

    @Test
    void rightPasswordsNeedingTheSecondFactor_banAfterTheSameCountAsWrongOnes() {
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT)))), clock)) {
            test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
            for (String name : new String[] {"acme-a", "acme-b"}) {
                test.core().administration().createAccount(TenantId.of("acme"), name);
                test.core().administration().setPassword(name, PASSWORD);
            }
            Authenticator auth = test.core().authenticator();
            Defender defender = test.core().incidents().defender();

            int threshold = defender.policy().banThreshold();
            for (int attempt = 1; attempt <= threshold; attempt++) {
                assertThat(auth.byPassword("acme-a", PASSWORD, Protocol.HTTPS, "192.0.2.1")).as("attempt %d", attempt)
                        .isEqualTo(new AuthResult.Failure("acme-a", AuthFailure.MFA_REQUIRED));
                assertThat(auth.byPassword("acme-b", ("wrong " + attempt).toCharArray(), Protocol.HTTPS, "192.0.2.2"))
                        .isInstanceOf(AuthResult.Failure.class);
                assertThat(defender.admits("192.0.2.1", "connect")).as("right passwords, after attempt %d", attempt)
                        .isEqualTo(defender.admits("192.0.2.2", "connect"));
            }
            assertThat(defender.admits("192.0.2.1", "connect")).as("both banned at the threshold").isFalse();
        }
    }
}
