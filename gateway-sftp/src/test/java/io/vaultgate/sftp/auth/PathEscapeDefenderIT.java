package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.DefenderPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path-escape attempts score against the source address (issue 9): OpenSSH's {@code sftp} from 127.0.0.2 doing
 * {@code get ../../etc/shadow} and {@code get ../../etc/passwd} until the defender bans the address; then even a new login
 * with a valid key from there is refused, while 127.0.0.3 goes on. Names that are merely invalid (too long)
 * do not score.
 */
class PathEscapeDefenderIT {

    @TempDir
    Path directory;

    @Test
    void repeatedEscapeAttempts_banTheSource_anotherSourceIsUnaffected() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(15, Duration.ofMinutes(5), Duration.ofHours(1)));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair alice = gateway.client("alice");
            String[] attempts = new String[6];
            for (int i = 0; i < attempts.length; i++) {
                attempts[i] = i % 2 == 0 ? "-get ../../etc/shadow " + directory.resolve("shadow")
                        : "-get ../../etc/passwd " + directory.resolve("passwd");
            }
            String output = openSsh(gateway, "127.0.0.2", attempts);

            List<Ban> bans = gateway.core().incidents().defender().activeBans();
            assertThat(bans).as(output).extracting(Ban::address).containsExactly("127.0.0.2");
            assertThat(Files.exists(directory.resolve("passwd"))).isFalse();
            assertThatThrownBy(() -> gateway.login("127.0.0.2", "alice", alice).close())
                    .as("a new connection from the banned source").isInstanceOf(Exception.class);
            try (SftpClient other = gateway.sftp("127.0.0.3", "alice", alice)) {
                assertThat(other.stat("/inbox").isDirectory()).as("another source").isTrue();
            }
        }
    }

    @Test
    void invalidButHarmlessNames_andBareClimbsAtTheRoot_doNotScore() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(3, Duration.ofMinutes(5), Duration.ofHours(1)));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair alice = gateway.client("alice");
            try (SftpClient sftp = gateway.sftp("127.0.0.4", "alice", alice)) {
                for (int i = 0; i < 5; i++) {
                    String name = "/inbox/" + "n".repeat(300 + i);
                    assertThatThrownBy(() -> sftp.stat(name)).isInstanceOf(Exception.class);
                    assertThatThrownBy(() -> sftp.stat("/inbox/ends-with-a-dot.")).isInstanceOf(Exception.class);
                }
                assertThat(sftp.canonicalPath("/inbox/../outbox")).as("a climb that stays inside").isEqualTo("/outbox");
                for (String bareClimb : new String[] {"/..", "/../..", ".."}) {
                    try {
                        sftp.canonicalPath(bareClimb);
                    } catch (java.io.IOException refused) {
                        // refused or clamped: either way not an attack on its own (cd .. at the root)
                    }
                }
            }
            assertThat(gateway.core().incidents().defender().activeBans()).isEmpty();
        }
    }

    /** Runs OpenSSH's sftp in batch mode from {@code source} as alice; returns its output. */
    private static String openSsh(AccessFixture gateway, String source, String... commands) throws Exception {
        Path batch = Files.writeString(Files.createTempFile(gateway.directory(), "batch", ".txt"),
                String.join("\n", commands) + "\n");
        Process process = new ProcessBuilder("sftp", "-b", batch.toString(), "-i", gateway.keyFile("alice").toString(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "BindAddress=" + source, "-P", Integer.toString(gateway.port()),
                "alice@127.0.0.1").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("sftp did not finish");
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
