package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.testing.MutableClock;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brute force over SFTP: 200 failed logins from 127.0.0.2 get it banned after the threshold; while banned even
 * its valid key is refused at connect, before key exchange; a client on 127.0.0.3 is unaffected; the ban
 * expires; ban and unban are audited and counted.
 */
class DefenderSftpIT {

    private static final Duration BAN = Duration.ofMinutes(5);
    private static final Duration SHORT_BAN = Duration.ofSeconds(2);

    @TempDir
    java.nio.file.Path directory;

    @Test
    void bruteForceFromOneAddress_bansIt_evenItsValidKeyIsRefused_otherAddressesUnaffected() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(15, BAN, Duration.ofHours(1)));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair alice = gateway.client("alice");
            KeyPair stranger = gateway.strangerKey("mallory");

            int beforeBan = 0;
            long started = System.nanoTime();
            long bannedAt = 0;
            for (int attempt = 0; attempt < 200; attempt++) {
                try (ClientSession session = gateway.login("127.0.0.2", "alice", stranger)) {
                    throw new AssertionError("a stranger's key logged in");
                } catch (Exception expected) {
                    if (bannedAt == 0 && !gateway.core().incidents().defender().activeBans().isEmpty()) {
                        bannedAt = System.nanoTime();
                        beforeBan = attempt + 1;
                    }
                }
            }
            long end = System.nanoTime();

            List<Ban> bans = gateway.core().incidents().defender().activeBans();
            assertThat(bans).extracting(Ban::address).containsExactly("127.0.0.2");
            assertThat(beforeBan).as("failed logins before the ban").isBetween(15, 16);
            assertThatThrownBy(() -> gateway.login("127.0.0.2", "alice", alice).close())
                    .as("a banned address is refused even with a valid key").isInstanceOf(Exception.class);
            String banned = gateway.bytesUntilClosedFrom("127.0.0.2");
            assertThat(banned).as("the server closed the banned connection").isNotNull();
            assertThat(banned.lines().filter(line -> !line.startsWith("SSH-2.0-")).toList())
                    .as("nothing after the identification line: no key exchange").allMatch(String::isEmpty);
            assertThat(gateway.bytesUntilClosedFrom("127.0.0.3")).as("an admitted address waits").isNull();
            try (SftpClient other = gateway.sftp("127.0.0.3", "alice", alice)) {
                assertThat(other.stat("/inbox").isDirectory()).isTrue();
            }
            assertThat(gateway.core().metrics().registry().get("vaultgate.defender.bans").tag("trigger", "automatic").counter().count())
                    .isEqualTo(1.0);
            assertThat(gateway.core().metrics().registry().get("vaultgate.defender.refused").tag("stage", "connect").counter().count())
                    .isGreaterThanOrEqualTo(200.0 - beforeBan);
            System.out.printf("%d failed logins until the ban in %d ms; %d refused attempts in %d ms%n", beforeBan,
                    (bannedAt - started) / 1_000_000, 200 - beforeBan, (end - bannedAt) / 1_000_000);
            assertThat(gateway.auditEvents()).anyMatch(event -> event.contains("\"actor\":\"defender\"")
                    && event.contains("source-address 127.0.0.2 banned until"));
        }
    }

    /** The ban's end is reached by moving the core's clock, not by waiting for it. */
    @Test
    void banExpires_andTheAddressLogsInAgain() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(3, SHORT_BAN, Duration.ofSeconds(30)));
        MutableClock clock = new MutableClock(Instant.now());
        try (AccessFixture gateway = AccessFixture.start(directory, policy, clock)) {
            KeyPair alice = gateway.client("alice");
            KeyPair stranger = gateway.strangerKey("mallory");
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> gateway.login("127.0.0.5", "alice", stranger).close())
                        .isInstanceOf(Exception.class);
            }
            assertThatThrownBy(() -> gateway.login("127.0.0.5", "alice", alice).close()).as("banned")
                    .isInstanceOf(Exception.class);

            clock.advance(SHORT_BAN.minusMillis(1));
            assertThatThrownBy(() -> gateway.login("127.0.0.5", "alice", alice).close())
                    .as("still banned just before the end").isInstanceOf(Exception.class);
            clock.advance(Duration.ofMillis(1));

            try (SftpClient again = gateway.sftp("127.0.0.5", "alice", alice)) {
                assertThat(again.stat("/inbox").isDirectory()).as("the ban expired").isTrue();
            }
        }
    }

    @Test
    void manualUnban_liftsTheBanAtOnce_andIsAudited() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair alice = gateway.client("alice");
            gateway.core().incidents().defender().ban("127.0.0.4", "investigation", "cli:test");
            assertThatThrownBy(() -> gateway.login("127.0.0.4", "alice", alice).close()).isInstanceOf(Exception.class);

            assertThat(gateway.core().incidents().defender().unban("127.0.0.4", "cli:test")).isTrue();

            try (SftpClient sftp = gateway.sftp("127.0.0.4", "alice", alice)) {
                assertThat(sftp.stat("/inbox").isDirectory()).isTrue();
            }
            assertThat(gateway.auditEvents()).anyMatch(event -> event.contains("\"actor\":\"cli:test\"")
                    && event.contains("source-address 127.0.0.4 unbanned"));
        }
    }
}
