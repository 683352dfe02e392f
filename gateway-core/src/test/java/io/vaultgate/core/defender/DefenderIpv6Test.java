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

/** An IPv6 client holds a whole /64: the defender scores and bans the /64, not each address in it. */
class DefenderIpv6Test {

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));

    private TestCore core() {
        return TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withAccess(AccessPolicy.defaults().withDefender(DefenderPolicy.defaults())), clock);
    }

    @Test
    void offencesFromFreshAddressesOfOneSlash64_addUp_andBanTheWholeSlash64() {
        try (TestCore test = core()) {
            Defender defender = test.core().incidents().defender();
            for (int i = 1; i <= 15; i++) {
                assertThat(defender.admits("2001:db8:0:7::" + Integer.toHexString(i), "connect")).as("attempt " + i)
                        .isTrue();
                defender.offence("2001:db8:0:7::" + Integer.toHexString(i), Offence.LOGIN_FAILED);
            }
            assertThat(defender.admits("2001:db8:0:7:ffff:ffff:ffff:ffff", "connect")).as("a fresh address").isFalse();
            assertThat(defender.admits("2001:db8:0:8::1", "connect")).as("the next /64").isTrue();
            assertThat(defender.activeBans()).singleElement().satisfies(ban -> {
                assertThat(ban.address()).isEqualTo("2001:db8:0:7:0:0:0:0/64");
                assertThat(ban.reason()).endsWith("the last from 2001:db8:0:7:0:0:0:f");
            });

            assertThat(defender.unban("2001:db8:0:7::99", "cli:test")).as("any of its addresses lifts it").isTrue();
            assertThat(defender.admits("2001:db8:0:7::1", "connect")).isTrue();
        }
    }

    @Test
    void aManualBanOfOneIpv6Address_bansItsSlash64_andIsListedSo() {
        try (TestCore test = core()) {
            Defender defender = test.core().incidents().defender();
            defender.ban("2001:db8:0:9::5", "spraying", "cli:test");
            assertThat(defender.admits("2001:db8:0:9::6", "login")).isFalse();
            assertThat(defender.unban("2001:db8:0:9:0:0:0:0/64", "cli:test")).isTrue();
            assertThat(defender.admits("2001:db8:0:9::6", "login")).isTrue();
        }
    }

    @Test
    void aLinkLocalPeerWithAZone_isScoredAndBanned() {
        try (TestCore test = core()) {
            Defender defender = test.core().incidents().defender();
            for (int i = 0; i < 5; i++) {
                defender.offence("fe80:0:0:0:1:2:3:4%eth0", Offence.PATH_ESCAPE);
            }
            assertThat(defender.admits("fe80:0:0:0:1:2:3:4%eth0", "connect")).isFalse();
        }
    }

    @Test
    void ipv4_andIpv4MappedIpv6_stayOneAddress() {
        try (TestCore test = core()) {
            Defender defender = test.core().incidents().defender();
            for (int i = 0; i < 5; i++) {
                defender.offence("::ffff:198.51.100.7", Offence.PATH_ESCAPE);
            }
            assertThat(defender.admits("198.51.100.7", "connect")).isFalse();
            assertThat(defender.admits("198.51.100.8", "connect")).isTrue();
        }
    }
}
