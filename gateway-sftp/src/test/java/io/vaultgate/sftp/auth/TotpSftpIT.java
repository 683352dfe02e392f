package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.testing.TotpCodes;
import io.vaultgate.sftp.SftpLimits;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFTP with MFA for operators, for real: publickey then keyboard-interactive TOTP (MINA client); a wrong code,
 * a code replayed and a code beyond the clock-skew window are refused. A client account, whose role does not
 * require MFA, logs in with its key alone (its keyboard-interactive step has no prompt). Both see the login
 * banner. A client account logs in with a client that offers nothing but its key (MINA's, and OpenSSH's
 * {@code sftp -b}, whose BatchMode never answers keyboard-interactive), while an operator's key alone is refused.
 * An account whose expiry passed is refused. An operator's login is one success on record and in the meters, its
 * TOTP step's (the key step is none).
 */
class TotpSftpIT {

    private static final String BANNER = "Authorized use only.\nActivity is audited.";

    @TempDir
    Path directory;

    /** The code step's floor passes 4 times sooner here ({@link QuickFloors}): its answers are asserted, not when. */
    private AccessFixture start() throws Exception {
        return AccessFixture.start(directory, AccessPolicy.defaults().withBanner(BANNER)
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))), Clock.systemUTC(),
                UnaryOperator.identity(), QuickFloors.steps());
    }

    @Test
    void operator_needsAFreshTotpCodeAfterItsKey() throws Exception {
        try (AccessFixture gateway = start()) {
            KeyPair maria = gateway.operator("maria");
            byte[] secret = TotpCodes.decode(gateway.core().incidents().mfa()
                    .enroll(Role.OPERATOR, "maria", "cli:test").secret());
            long step = Totp.step(Instant.now());
            String code = Totp.code(secret, step);
            String wrong = code.equals("000000") ? "000001" : "000000";

            assertThatThrownBy(() -> gateway.loginWithCode("maria", maria, wrong, new ArrayList<>()).close())
                    .as("wrong code").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> gateway.loginWithCode("maria", maria, Totp.code(secret, step - 3),
                    new ArrayList<>()).close()).as("90 s old: beyond the window").isInstanceOf(Exception.class);
            assertThatThrownBy(() -> gateway.loginWithCode("maria", maria, Totp.code(secret, step + 3),
                    new ArrayList<>()).close()).as("90 s ahead").isInstanceOf(Exception.class);

            List<String> seen = new ArrayList<>();
            try (ClientSession session = gateway.loginWithCode("maria", maria, code, seen);
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                assertThat(sftp.canonicalPath("/")).isEqualTo("/");
            }
            assertThat(seen).contains("prompts:" + TotpKeyboardInteractive.PROMPT, "banner:" + BANNER + "\n");

            assertThatThrownBy(() -> gateway.loginWithCode("maria", maria, code, new ArrayList<>()).close())
                    .as("the same code again").isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).anyMatch(e -> e.contains("MFA_FAILED") && e.contains("maria"));
            assertThat(gateway.auditEvents()).as("one login, one success: the TOTP step's; the key steps are none")
                    .filteredOn(e -> e.contains("auth.succeeded")).hasSize(1).allMatch(e -> e.contains("\"totp\""));
            assertThat(gateway.core().metrics().registry().get("vaultgate.auth.successes").counters())
                    .extracting(c -> c.getId().getTag("method") + "=" + c.count()).containsExactly("totp=1.0");
            assertThat(gateway.meters().get("vaultgate.sftp.logins").tag("outcome", "success").counters())
                    .extracting(c -> c.getId().getTag("method") + "=" + c.count()).containsExactly("totp=1.0");
            long refusedCodes = gateway.auditEvents().stream().filter(e -> e.contains("MFA_FAILED")).count();
            assertThat(gateway.meters().get("vaultgate.sftp.logins").tag("method", "totp").tag("outcome", "failure")
                    .counter().count()).as("each refused code counted").isEqualTo((double) refusedCodes);
        }
    }

    /**
     * review22b L1: the server built for a role that requires MFA (its own {@code ssh-userauth} service,
     * {@link PrincipalAuthMethods}) gets the capped {@code ssh-connection} service too: an operator logged in with
     * key and code opens {@link SftpLimits#DEFAULT_MAX_CHANNELS_PER_CONNECTION} channels, and the next is refused and
     * counted. It holds because the cap replaces MINA's connection service after the MFA set-up has chosen the
     * service factories; the other way round, this server would serve MINA's uncapped one. Guards that order.
     */
    @Test
    void operatorLoggedInWithKeyAndCode_getsTheChannelCap() throws Exception {
        int cap = SftpLimits.DEFAULT_MAX_CHANNELS_PER_CONNECTION;
        try (AccessFixture gateway = start()) {
            KeyPair maria = gateway.operator("maria");
            byte[] secret = TotpCodes.decode(gateway.core().incidents().mfa()
                    .enroll(Role.OPERATOR, "maria", "cli:test").secret());
            String code = Totp.code(secret, Totp.step(Instant.now()));
            List<SftpClient> channels = new ArrayList<>();
            try (ClientSession session = gateway.loginWithCode("maria", maria, code, new ArrayList<>())) {
                try {
                    for (int i = 0; i < cap; i++) {
                        channels.add(SftpClientFactory.instance().createSftpClient(session));
                    }
                    assertThatThrownBy(() -> SftpClientFactory.instance().createSftpClient(session).close())
                            .as("channel %d", cap + 1).hasRootCauseInstanceOf(SshChannelOpenException.class)
                            .rootCause().satisfies(refused -> assertThat(((SshChannelOpenException) refused)
                                    .getReasonCode()).isEqualTo(SshConstants.SSH_OPEN_CONNECT_FAILED));
                    assertThat(gateway.meters().counter("vaultgate.sftp.channels.refused", "reason",
                            "max_channels_per_connection").count()).as("counted as a cap refusal").isEqualTo(1.0);
                    assertThat(channels.get(cap - 1).canonicalPath("/")).as("the others go on").isEqualTo("/");
                } finally {
                    for (SftpClient channel : channels) {
                        channel.close();
                    }
                }
            }
        }
    }

    @Test
    void clientAccount_notRequiringMfa_logsInWithItsKeyAlone() throws Exception {
        try (AccessFixture gateway = start()) {
            KeyPair alice = gateway.client("alice");
            List<String> seen = new ArrayList<>();
            try (ClientSession session = gateway.loginWithCode("alice", alice, "unused", seen)) {
                assertThat(session.isAuthenticated()).isTrue();
            }
            assertThat(seen).as("never asked for a code").noneMatch(s -> s.startsWith("prompts:") && s.length() > 8);

        }
    }

    @Test
    void clientAccount_withAClientThatOffersOnlyPublicKeys_logsIn_anOperatorDoesNot() throws Exception {
        try (AccessFixture gateway = start()) {
            KeyPair alice = gateway.client("alice");
            KeyPair maria = gateway.operator("maria");
            gateway.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");

            assertThat(keyOnly(gateway, "alice", alice)).as("the key alone").isTrue();
            assertThat(keyOnly(gateway, "maria", maria)).as("an operator's key alone is not enough").isFalse();
        }
    }

    @Test
    void clientAccount_logsInWithOpenSshInBatchMode_whileOperatorsNeedMfa() throws Exception {
        try (AccessFixture gateway = start()) {
            gateway.client("alice");
            Path batch = java.nio.file.Files.writeString(directory.resolve("batch.txt"), "ls /\n");
            Process sftp = new ProcessBuilder("sftp", "-b", batch.toString(), "-i",
                    gateway.keyFile("alice").toString(), "-o", "IdentitiesOnly=yes",
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                    "-P", Integer.toString(gateway.port()), "alice@127.0.0.1").redirectErrorStream(true).start();
            String output = new String(sftp.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(sftp.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(sftp.exitValue()).as(output).isZero();
            assertThat(output).contains("inbox");
        }
    }

    /**
     * Logs in with a MINA client offering nothing but {@code publickey}, as OpenSSH in batch mode does; whether the
     * session got authenticated. The client's own methods: a session takes them from its client when it is created,
     * so setting them on a connected session would leave keyboard-interactive in.
     */
    private static boolean keyOnly(AccessFixture gateway, String user, KeyPair key) throws Exception {
        return gateway.authenticates(user, List.of(UserAuthPublicKeyFactory.INSTANCE), key);
    }

    @Test
    void accountWhoseExpiryPassed_isRefused_andAFutureExpiryIsNot() throws Exception {
        try (AccessFixture gateway = start()) {
            KeyPair alice = gateway.client("alice");
            gateway.core().incidents().expiry().set("alice", Optional.of(Instant.now().plusSeconds(3600)), "cli:test");
            try (SftpClient sftp = gateway.sftp("127.0.0.1", "alice", alice)) {
                assertThat(sftp.stat("/inbox").isDirectory()).isTrue();
            }

            gateway.core().incidents().expiry().set("alice", Optional.of(Instant.now().minusSeconds(1)), "cli:test");

            assertThatThrownBy(() -> gateway.sftp("127.0.0.1", "alice", alice).close()).isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).anyMatch(e -> e.contains("ACCOUNT_EXPIRED") && e.contains("alice"));
        }
    }
}
