package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.AuthFailureCounts;
import io.vaultgate.core.testing.TenantPolicyRefusal;
import io.vaultgate.sftp.testing.RecordingUserAuthFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Password guessing over SFTP (a real MINA client from distinct loopback addresses) against an account of a locked
 * tenant: the right password gets the wrong one's SSH answers, and its address is banned at the same attempt, so
 * the guesser cannot tell it (before, the right one's address was never banned, nor was the name locked out). Once
 * the tenant is unlocked the right password logs in: the refused attempts locked nothing out. The same where the
 * password is the first step of {@code password,keyboard-interactive}. Under every policy, the server log's
 * {@code sftp auth refused} lines and {@code vaultgate_auth_failures_total} show a right and a wrong password alike
 * (before, a wrong one was {@code BAD_CREDENTIAL} there and a right one the policy's reason), so whoever reads the log
 * or scrapes the ops listener cannot tell them apart either.
 */
class PolicyRefusalSftpIT {

    private static final String PASSWORD = "correct horse battery";
    private static final String WRONG = "incorrect horse battery";
    private static final String CLOSED = "closed before authentication";
    private static final String SOURCE = "<source>";

    @TempDir
    Path directory;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(CoreUserAuthenticator.class);

    @BeforeEach
    void attach() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void detach() {
        log.detachAppender(logged);
    }

    @Test
    void rightAndWrongPassword_ofALockedTenant_getTheSameAnswers_andTheSameBan() throws Exception {
        int threshold = 3;
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults().withDefender(
                DefenderPolicy.defaults().withBans(threshold, Duration.ofMinutes(5), Duration.ofHours(1))))) {
            passwordAccount(gateway);
            List<UserAuthFactory> password = List.of(UserAuthPasswordFactory.INSTANCE);
            assertThat(attempt(gateway, "127.0.0.5", PASSWORD, password)).endsWith("success");
            gateway.core().administration().lock(TenantId.of(AccessFixture.TENANT));

            List<Seen> right = new ArrayList<>();
            List<Seen> wrong = new ArrayList<>();
            for (int attempt = 0; attempt <= threshold; attempt++) {
                right.add(seen(gateway, "127.0.0.2", PASSWORD, password));
                wrong.add(seen(gateway, "127.0.0.3", WRONG, password));
            }

            assertThat(right).as("what the right password shows, attempt by attempt").isEqualTo(wrong);
            assertThat(wrong.subList(0, threshold)).allSatisfy(seen -> {
                assertThat(seen.answers()).startsWith("failure:").doesNotContain("success", "partial");
                assertThat(seen.logged()).containsExactly("sftp auth refused: method=password user=\"alice\" "
                        + "reason=TENANT_LOCKED from=" + SOURCE);
                assertThat(seen.counted()).isEqualTo(Map.of("sftp/tenant_locked", 1.0));
            });
            assertThat(wrong.get(threshold).answers()).as("banned").isEqualTo(CLOSED);
            assertThat(gateway.core().incidents().defender().activeBans()).extracting(Ban::address)
                    .containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");

            gateway.core().administration().unlock(TenantId.of(AccessFixture.TENANT));
            assertThat(attempt(gateway, "127.0.0.4", PASSWORD, password)).as("no lockout left behind")
                    .endsWith("success");
        }
    }

    /**
     * Each refused first step scores twice (the password, then its TOTP step), right or wrong: banned alike. The MFA
     * steps' floors pass 4 times sooner here ({@link QuickFloors}): what they answer is asserted, not when.
     */
    @Test
    void passwordAsFirstStep_ofALockedTenant_rightAndWrongBannedAlike() throws Exception {
        int threshold = 4;
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults()
                .withDefender(DefenderPolicy.defaults().withBans(threshold, Duration.ofMinutes(5), Duration.ofHours(1)))
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT))), Clock.systemUTC(),
                UnaryOperator.identity(), QuickFloors.steps())) {
            passwordAccount(gateway);
            gateway.core().incidents().mfa().enroll(Role.CLIENT, "alice", "cli:test");
            gateway.core().administration().lock(TenantId.of(AccessFixture.TENANT));
            List<UserAuthFactory> twoSteps = List.of(UserAuthPasswordFactory.INSTANCE,
                    UserAuthKeyboardInteractiveFactory.INSTANCE);

            List<Seen> right = new ArrayList<>();
            List<Seen> wrong = new ArrayList<>();
            for (int attempt = 0; attempt <= threshold / 2; attempt++) {
                right.add(seen(gateway, "127.0.0.2", PASSWORD, twoSteps));
                wrong.add(seen(gateway, "127.0.0.3", WRONG, twoSteps));
            }

            assertThat(right).as("what the right password shows, attempt by attempt").isEqualTo(wrong);
            assertThat(wrong.get(0).answers()).as("partial success, then the code step, which fails")
                    .contains("failure:publickey,keyboard-interactive:partial", "prompts:1").doesNotContain("success");
            assertThat(wrong.get(0).logged()).containsExactly(
                    "sftp auth refused: method=password user=\"alice\" reason=TENANT_LOCKED from=" + SOURCE,
                    "sftp auth refused: method=totp user=\"alice\" reason=password refused before from=" + SOURCE);
            assertThat(wrong.get(0).counted()).isEqualTo(Map.of("sftp/tenant_locked", 1.0));
            assertThat(wrong.get(threshold / 2).answers()).as("banned").isEqualTo(CLOSED);
        }
    }

    /** Every policy: a right and a wrong password get the same answers, log lines and metric increase. */
    @ParameterizedTest
    @EnumSource(TenantPolicyRefusal.class)
    void rightAndWrongPassword_whileAPolicyRefuses_areLoggedAndCountedAlike(TenantPolicyRefusal policy)
            throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            passwordAccount(gateway);
            TenantPolicyRefusal.Target alice = new TenantPolicyRefusal.Target(TenantId.of(AccessFixture.TENANT),
                    "alice", Protocol.SFTP, Cidr.parse("127.0.0.0/8"));
            policy.impose(gateway.test(), alice);
            List<UserAuthFactory> password = List.of(UserAuthPasswordFactory.INSTANCE);

            Seen right = seen(gateway, "127.0.0.2", PASSWORD, password);
            Seen wrong = seen(gateway, "127.0.0.3", WRONG, password);

            assertThat(right).isEqualTo(wrong);
            assertThat(wrong.logged()).containsExactly("sftp auth refused: method=password user=\"alice\" reason="
                    + policy.reason() + " from=" + SOURCE);
            assertThat(wrong.counted()).isEqualTo(Map.of("sftp/" + policy.reason().name().toLowerCase(Locale.ROOT),
                    1.0));

            policy.lift(gateway.test(), alice);
            assertThat(attempt(gateway, "127.0.0.4", PASSWORD, password)).endsWith("success");
        }
    }

    private static void passwordAccount(AccessFixture gateway) throws Exception {
        gateway.core().administration().createTenant(TenantId.of(AccessFixture.TENANT), "Acme", true);
        gateway.client("alice");
        gateway.core().administration().setPassword("alice", PASSWORD.toCharArray());
    }

    /**
     * What one login ({@link #attempt}) shows: the client's answers, the server log's lines of it with its source
     * address as {@link #SOURCE}, and the increase of {@code vaultgate_auth_failures_total} (by protocol/reason).
     */
    private record Seen(String answers, List<String> logged, Map<String, Double> counted) {
    }

    private Seen seen(AccessFixture gateway, String source, String password, List<UserAuthFactory> methods)
            throws Exception {
        int before = logged.list.size();
        AuthFailureCounts.Change<String> change = new AuthFailureCounts(gateway.core().metrics().registry())
                .during(() -> attempt(gateway, source, password, methods));
        List<ILoggingEvent> all = List.copyOf(logged.list);
        List<String> lines = all.subList(before, all.size()).stream()
                .map(line -> line.getFormattedMessage().replace("from=" + source, "from=" + SOURCE)).toList();
        return new Seen(change.answer(), lines, change.increase());
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
