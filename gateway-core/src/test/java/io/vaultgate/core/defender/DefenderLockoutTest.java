package io.vaultgate.core.defender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.audit.AuditExporter;
import io.vaultgate.core.audit.ExportFilter;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password lockout (PCI DSS 8.3.4), escalating bans with an injected clock, the address lists, and the policy's
 * validation, against a real core.
 */
class DefenderLockoutTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

    private TestCore core(DefenderPolicy policy) {
        return TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withAccess(AccessPolicy.defaults().withDefender(policy)), clock);
    }

    @Test
    void tenWrongPasswords_lockTheAccountFor30Minutes_evenAgainstTheRightPassword() {
        DefenderPolicy policy = DefenderPolicy.defaults().withLists(List.of(), List.of(),
                List.of(Cidr.parse("127.0.0.0/8")));
        try (TestCore test = core(policy)) {
            test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
            test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
            test.core().administration().setPassword("acme-up", PASSWORD);
            Authenticator auth = test.core().authenticator();

            for (int i = 0; i < 9; i++) {
                assertThat(login(auth, "wrong password " + i)).isEqualTo(AuthFailure.BAD_CREDENTIAL);
            }
            assertThat(login(auth, new String(PASSWORD))).as("9 failures: not yet locked, success resets")
                    .isNull();
            for (int i = 0; i < 10; i++) {
                login(auth, "wrong password " + i);
            }
            assertThat(login(auth, new String(PASSWORD))).isEqualTo(AuthFailure.ACCOUNT_LOCKED_OUT);

            clock.advance(Duration.ofMinutes(29));
            assertThat(login(auth, new String(PASSWORD))).isEqualTo(AuthFailure.ACCOUNT_LOCKED_OUT);
            clock.advance(Duration.ofMinutes(1).plusSeconds(1));
            assertThat(login(auth, new String(PASSWORD))).as("after 30 minutes").isNull();
        }
    }

    @Test
    void lockedLogin_canBeUnlockedByAnAdministrator() {
        try (TestCore test = core(DefenderPolicy.defaults().withLockout(3, Duration.ofHours(1), KeyLoginPolicy.IGNORE)
                .withLists(List.of(), List.of(), List.of(Cidr.parse("127.0.0.1"))))) {
            test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
            test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
            test.core().administration().setPassword("acme-up", PASSWORD);
            Authenticator auth = test.core().authenticator();
            for (int i = 0; i < 3; i++) {
                login(auth, "nope nope nope");
            }
            assertThat(test.core().incidents().lockouts().locked()).hasSize(1);

            assertThat(test.core().incidents().lockouts().unlock("acme-up", Optional.empty(), "cli:test"))
                    .isTrue();

            assertThat(login(auth, new String(PASSWORD))).isNull();
        }
    }

    @Test
    void bansEscalate_andExpireWithTheClock() {
        DefenderPolicy policy = DefenderPolicy.defaults().withBans(3, Duration.ofMinutes(1), Duration.ofMinutes(3));
        try (TestCore test = core(policy)) {
            Defender defender = test.core().incidents().defender();
            for (int i = 0; i < 3; i++) {
                defender.offence("192.0.2.9", Offence.LOGIN_FAILED);
            }
            assertThat(defender.admits("192.0.2.9", "login")).isFalse();
            assertThat(defender.admits("192.0.2.10", "login")).isTrue();
            clock.advance(Duration.ofSeconds(61));
            assertThat(defender.admits("192.0.2.9", "login")).as("first ban: 1 minute").isTrue();

            defender.offence("192.0.2.9", Offence.PATH_ESCAPE);
            assertThat(defender.activeBans()).singleElement().satisfies(ban -> {
                assertThat(ban.level()).isEqualTo(2);
                assertThat(ban.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
            });
            clock.advance(Duration.ofMinutes(3));
            defender.ban("192.0.2.9", "again", "cli:test");
            assertThat(defender.activeBans()).singleElement().satisfies(ban ->
                    assertThat(ban.until()).as("capped at max-ban-time").isEqualTo(clock.instant().plus(
                            Duration.ofMinutes(3))));
        }
    }

    @Test
    void anUnbannedAddress_scoresFromZeroAgain() {
        DefenderPolicy policy = DefenderPolicy.defaults().withBans(3, Duration.ofMinutes(1), Duration.ofMinutes(3));
        try (TestCore test = core(policy)) {
            Defender defender = test.core().incidents().defender();
            for (int i = 0; i < 3; i++) {
                defender.offence("192.0.2.11", Offence.LOGIN_FAILED);
            }
            assertThat(defender.unban("192.0.2.11", "cli:test")).isTrue();
            clock.advance(Duration.ofSeconds(1)); // offences at the instant of the unban itself do not count

            defender.offence("192.0.2.11", Offence.LOGIN_FAILED);
            defender.offence("192.0.2.11", Offence.LOGIN_FAILED);
            assertThat(defender.admits("192.0.2.11", "login")).as("2 points since the unban, not 5").isTrue();
            defender.offence("192.0.2.11", Offence.LOGIN_FAILED);
            assertThat(defender.admits("192.0.2.11", "login")).isFalse();
        }
    }

    @Test
    void offencesOlderThanTheWindow_stopCounting_andAreSweptFromTheCatalog() {
        DefenderPolicy policy = DefenderPolicy.defaults();
        try (TestCore test = core(policy)) {
            Defender defender = test.core().incidents().defender();
            defender.offence("192.0.2.12", Offence.LOGIN_FAILED);
            for (int i = 1; i < policy.banThreshold(); i++) {
                defender.offence("192.0.2.13", Offence.LOGIN_FAILED);
            }
            clock.advance(policy.observationWindow().plus(Defender.SWEEP_INTERVAL));

            defender.offence("192.0.2.13", Offence.LOGIN_FAILED);

            assertThat(defender.admits("192.0.2.13", "login")).as("one point in the window").isTrue();
            long offences = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM defender_offences"));
            assertThat(offences).as("only the offence inside the window is kept").isEqualTo(1);
            long scores = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM defender_scores "
                    + "WHERE address = '192.0.2.12'"));
            assertThat(scores).as("an address without recent offences is forgotten").isZero();
        }
    }

    @Test
    void bansAndUnbans_areAuditedWithTheirOwnActions_notAsAccountLocks() throws Exception {
        try (TestCore test = core(DefenderPolicy.defaults().withBans(1, Duration.ofMinutes(1), Duration.ofMinutes(1)))) {
            Defender defender = test.core().incidents().defender();
            defender.offence("192.0.2.7", Offence.UNKNOWN_USER);
            assertThat(defender.unban("192.0.2.7", "cli:test")).isTrue();

            StringWriter out = new StringWriter();
            new AuditExporter(test.database(), clock).export(
                    new ExportFilter(Instant.EPOCH, clock.instant().plusSeconds(1),
                            Optional.empty(), Optional.empty()), out);
            assertThat(out.toString().lines().filter(line -> line.contains("source-address 192.0.2.7")))
                    .satisfiesExactly(
                            ban -> assertThat(ban).contains("SOURCE_BANNED", "\"actor\":\"defender\""),
                            unban -> assertThat(unban).contains("SOURCE_UNBANNED", "\"actor\":\"cli:test\""));
        }
    }

    @Test
    void addressLists_denyAlways_allowOnlyTheirNetworks_exemptNeverBanned() {
        DefenderPolicy policy = DefenderPolicy.defaults().withBans(1, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .withLists(List.of(Cidr.parse("10.0.0.0/8")),
                        List.of(Cidr.parse("10.6.6.0/24")),
                        List.of(Cidr.parse("10.1.1.1")));
        try (TestCore test = core(policy)) {
            Defender defender = test.core().incidents().defender();
            assertThat(defender.admits("10.2.3.4", "connect")).isTrue();
            assertThat(defender.admits("10.6.6.6", "connect")).as("denied").isFalse();
            assertThat(defender.admits("192.0.2.1", "connect")).as("outside the allow list").isFalse();
            assertThat(defender.admits("not-an-address", "connect")).as("fails closed with an allow list").isFalse();
            defender.offence("10.1.1.1", Offence.UNKNOWN_USER);
            assertThat(defender.admits("10.1.1.1", "connect")).as("exempt").isTrue();
            defender.offence("10.2.3.4", Offence.UNKNOWN_USER);
            assertThat(defender.admits("10.2.3.4", "connect")).isFalse();
        }
    }

    @Test
    void offenceTheCatalogCannotRecord_isLogged_notThrownIntoTheNetworkThread() {
        try (TestCore test = core(DefenderPolicy.defaults())) {
            Defender defender = test.core().incidents().defender();
            test.database().inTransaction(jdbc -> jdbc.update("DROP TABLE defender_offences"));

            assertThatCode(() -> defender.offence("192.0.2.44", Offence.PATH_ESCAPE)).doesNotThrowAnyException();
        }
    }

    @Test
    void policy_refusesLockoutsWeakerThanPciDss() {
        assertThatThrownBy(() -> DefenderPolicy.defaults().withLockout(11, Duration.ofMinutes(30),
                KeyLoginPolicy.IGNORE)).hasMessageContaining("defender.lockout-failures: 1-10");
        assertThatThrownBy(() -> DefenderPolicy.defaults().withBans(5, Duration.ofMinutes(10), Duration.ofMinutes(5)))
                .hasMessageContaining("defender.max-ban-time: must be at least defender.ban-time");
    }

    private static AuthFailure login(Authenticator auth, String password) {
        AuthResult result = auth.byPassword("acme-up", password.toCharArray(), Protocol.HTTPS, "127.0.0.1");
        return result instanceof AuthResult.Failure failure ? failure.reason() : null;
    }
}
