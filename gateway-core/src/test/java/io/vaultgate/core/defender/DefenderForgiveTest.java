package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forgiven offence (a login that completed after it was scored) no longer counts towards a ban, and forgiving never
 * credits an address ahead: with nothing to take back, the next offences ban as ever. On the catalog the run uses.
 */
class DefenderForgiveTest {

    private static final int THRESHOLD = 3;

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));

    private TestCore core() {
        return TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(AccessPolicy
                .defaults().withDefender(DefenderPolicy.defaults().withBans(THRESHOLD, Duration.ofMinutes(10),
                        Duration.ofHours(1)))), clock);
    }

    @Test
    void aForgivenOffence_countsNoMore_andForgivingNothing_creditsNothing() {
        try (TestCore test = core()) {
            Defender defender = test.core().incidents().defender();
            for (int login = 1; login <= 2 * THRESHOLD; login++) { // each scored, then taken back
                defender.offence("192.0.2.1", Offence.LOGIN_FAILED);
                defender.forgive("192.0.2.1", Offence.LOGIN_FAILED);
            }
            assertThat(defender.admits("192.0.2.1", "connect")).as("completed logins").isTrue();

            for (int i = 0; i < 5; i++) {
                defender.forgive("192.0.2.2", Offence.LOGIN_FAILED);
            }
            for (int attempt = 1; attempt < THRESHOLD; attempt++) {
                defender.offence("192.0.2.2", Offence.LOGIN_FAILED);
            }
            assertThat(defender.admits("192.0.2.2", "connect")).isTrue();
            defender.offence("192.0.2.2", Offence.LOGIN_FAILED);
            assertThat(defender.admits("192.0.2.2", "connect")).as("banned at the threshold, no credit").isFalse();
        }
    }
}
