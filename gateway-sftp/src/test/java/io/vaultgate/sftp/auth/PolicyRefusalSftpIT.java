package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.sftp.testing.RecordingUserAuthFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing over SFTP (a real MINA client from distinct loopback addresses) against an account of a locked
 * tenant: the right password gets the wrong one's SSH answers, and its address is banned at the same attempt, so
 * the guesser cannot tell it (before, the right one's address was never banned, nor was the name locked out). Once
 * the tenant is unlocked the right password logs in: the refused attempts locked nothing out. The same where the
 * password is the first step of {@code password,keyboard-interactive}.
 */
class PolicyRefusalSftpIT {

    private static final String PASSWORD = "correct horse battery";
    private static final String WRONG = "incorrect horse battery";
    private static final String CLOSED = "closed before authentication";

    @TempDir
    Path directory;

    @Test
    void rightAndWrongPassword_ofALockedTenant_getTheSameAnswers_andTheSameBan() throws Exception {
        int threshold = 3;
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults().withDefender(
                DefenderPolicy.defaults().withBans(threshold, Duration.ofMinutes(5), Duration.ofHours(1))))) {
            passwordAccount(gateway);
            List<UserAuthFactory> password = List.of(UserAuthPasswordFactory.INSTANCE);
            assertThat(attempt(gateway, "127.0.0.5", PASSWORD, password)).endsWith("success");
            gateway.core().administration().lock(TenantId.of(AccessFixture.TENANT));

            List<String> right = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            for (int attempt = 0; attempt <= threshold; attempt++) {
                right.add(attempt(gateway, "127.0.0.2", PASSWORD, password));
                wrong.add(attempt(gateway, "127.0.0.3", WRONG, password));
            }

            assertThat(right).as("the right password's answers, attempt by attempt").isEqualTo(wrong);
            assertThat(wrong.subList(0, threshold)).allSatisfy(answer -> assertThat(answer)
                    .startsWith("failure:").doesNotContain("success", "partial"));
            assertThat(wrong.get(threshold)).as("banned").isEqualTo(CLOSED);
            assertThat(gateway.core().incidents().defender().activeBans()).extracting(Ban::address)
                    .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");

            gateway.core().administration().unlock(TenantId.of(AccessFixture.TENANT));
            assertThat(attempt(gateway, "127.0.0.4", PASSWORD, password)).as("no lockout left behind")
                    .endsWith("success");
        }
    }

    /** Each refused first step scores twice (the password, then its TOTP step), right or wrong: banned alike. */
    @Test
    void passwordAsFirstStep_ofALockedTenant_rightAndWrongBannedAlike() throws Exception {
        int threshold = 4;
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults()
                .withDefender(DefenderPolicy.defaults().withBans(threshold, Duration.ofMinutes(5), Duration.ofHours(1)))
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT))))) {
            passwordAccount(gateway);
            gateway.core().incidents().mfa().enroll(Role.CLIENT, "alice", "cli:test");
            gateway.core().administration().lock(TenantId.of(AccessFixture.TENANT));
            List<UserAuthFactory> twoSteps = List.of(UserAuthPasswordFactory.INSTANCE,
                    UserAuthKeyboardInteractiveFactory.INSTANCE);

            List<String> right = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            for (int attempt = 0; attempt <= threshold / 2; attempt++) {
                right.add(attempt(gateway, "127.0.0.2", PASSWORD, twoSteps));
                wrong.add(attempt(gateway, "127.0.0.3", WRONG, twoSteps));
            }

            assertThat(right).as("the right password's answers, attempt by attempt").isEqualTo(wrong);
            assertThat(wrong.get(0)).as("partial success, then the code step, which fails")
                    .contains("failure:publickey,keyboard-interactive:partial", "prompts:1").doesNotContain("success");
            assertThat(wrong.get(threshold / 2)).as("banned").isEqualTo(CLOSED);
        }
    }

    private static void passwordAccount(AccessFixture gateway) throws Exception {
        gateway.core().administration().createTenant(TenantId.of(AccessFixture.TENANT), "Acme", true);
        gateway.client("alice");
        gateway.core().administration().setPassword("alice", PASSWORD.toCharArray());
    }

    /**
     * One login as alice from {@code source} with {@code password} (a code step answered with 000000): the server's
     * answers in order, or {@link #CLOSED} if it closed the connection before authentication (a banned address).
     */
    private static String attempt(AccessFixture gateway, String source, String password,
                                  List<UserAuthFactory> methods) throws Exception {
        List<String> answers = new CopyOnWriteArrayList<>();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(methods);
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
        client.setServiceFactories(List.of(new RecordingUserAuthFactory(answers),
                ClientConnectionServiceFactory.INSTANCE));
        client.setUserInteraction(new UserInteraction() {
            @Override
            public String[] interactive(ClientSession s, String name, String instruction, String lang,
                                        String[] prompts, boolean[] echo) {
                answers.add("prompts:" + prompts.length);
                return prompts.length == 0 ? new String[0] : new String[] {"000000"};
            }

            @Override
            public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                return null;
            }
        });
        client.start();
        try {
            ClientSession session;
            try {
                session = client.connect("alice", new InetSocketAddress("127.0.0.1", gateway.port()),
                        new InetSocketAddress(source, 0)).verify(AccessFixture.TIMEOUT).getSession();
            } catch (java.io.IOException closed) {
                return CLOSED;
            }
            try (session) {
                if (session.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED,
                        ClientSession.ClientSessionEvent.WAIT_AUTH), AccessFixture.TIMEOUT)
                        .contains(ClientSession.ClientSessionEvent.CLOSED)) {
                    return CLOSED;
                }
                session.addPasswordIdentity(password);
                try {
                    session.auth().verify(AccessFixture.TIMEOUT);
                } catch (Exception refused) {
                    // the answers tell
                }
                return String.join(" ", answers);
            }
        } finally {
            client.stop();
        }
    }
}
