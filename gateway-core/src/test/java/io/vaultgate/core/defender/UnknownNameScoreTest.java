package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ban is observable (the next connection is closed), so it must not come sooner for names that do not exist:
 * failed key logins for an unknown name and for an existing one ban after the same number of attempts.
 */
class UnknownNameScoreTest {

    private static final String KEY = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));

    @Test
    void failedKeyLogins_banAfterTheSameCount_whetherTheNameExistsOrNot() {
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withAccess(AccessPolicy.defaults().withDefender(DefenderPolicy.defaults())), clock)) {
            test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
            test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
            Authenticator auth = test.core().authenticator();
            Defender defender = test.core().incidents().defender();

            int threshold = defender.policy().banThreshold();
            for (int attempt = 1; attempt <= threshold; attempt++) {
                AuthFailure unknown = failure(auth.byPublicKey("nobody-" + attempt, KEY, Protocol.SFTP, "192.0.2.1"));
                AuthFailure existing = failure(auth.byPublicKey("acme-up", KEY, Protocol.SFTP, "192.0.2.2"));
                assertThat(unknown).as("attempt %d", attempt).isEqualTo(AuthFailure.UNKNOWN_USER);
                assertThat(existing).as("attempt %d", attempt).isEqualTo(AuthFailure.BAD_CREDENTIAL);
                assertThat(defender.admits("192.0.2.1", "connect")).as("unknown names, after attempt %d", attempt)
                        .isEqualTo(defender.admits("192.0.2.2", "connect"));
            }
            assertThat(defender.admits("192.0.2.1", "connect")).as("both banned at the threshold").isFalse();
        }
    }

    private static AuthFailure failure(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Failure.class);
        return ((AuthResult.Failure) result).reason();
    }
}
