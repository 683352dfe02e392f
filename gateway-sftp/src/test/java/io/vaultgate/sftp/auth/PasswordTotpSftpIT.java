package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TotpCodes;
import io.vaultgate.sftp.testing.RecordingUserAuthFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Password logins over SFTP where a role requires MFA ({@code password,keyboard-interactive}), with a real MINA
 * client that records every answer of the server's {@code ssh-userauth} service. A wrong password is answered as a
 * right one (partial success, the same methods, then the same code prompt), so the answer no longer tells an
 * attacker that a password is right without its code; it never logs anyone in, whatever code follows, and it is
 * counted as one wrong password (one {@code BAD_CREDENTIAL}, one lockout count) and scored as a right password with
 * a wrong code is. A right password is no login by itself: it resets no count and records no success, and the
 * completed login records one, the TOTP step's, and resets every count. Where a password completes a login (no
 * MFA configured, or a session whose methods were decided key or password alone) a wrong one is a plain failure.
 */
class PasswordTotpSftpIT {

    private static final String PASSWORD = "correct horse battery";
    private static final String WRONG = "tr0ub4dor&3";

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.now());

    private AccessFixture mfaForClients(DefenderPolicy defender) throws Exception {
        return start(AccessPolicy.defaults().withDefender(defender)
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT))));
    }

    private AccessFixture start(AccessPolicy policy) throws Exception {
        return start(policy, UnaryOperator.identity());
    }

    /**
     * The gateway, whose MFA steps are answered through floors that pass 4 times sooner ({@link QuickFloors}): what is
     * asserted here is what the steps answer and count, never when.
     */
    private AccessFixture start(AccessPolicy policy, UnaryOperator<Authenticator> wrap) throws Exception {
        return AccessFixture.start(directory, policy, clock, wrap, QuickFloors.steps());
    }

    /** Creates client account {@code name} of a tenant that allows passwords, with its password and a key. */
    private static KeyPair passwordAccount(AccessFixture gateway, String name) throws Exception {
        if (gateway.core().administration().tenant(TenantId.of(AccessFixture.TENANT)).isEmpty()) {
            gateway.core().administration().createTenant(TenantId.of(AccessFixture.TENANT), "Acme", true);
        }
        KeyPair key = gateway.client(name);
        gateway.core().administration().setPassword(name, PASSWORD.toCharArray());
        return key;
    }

    private byte[] enroll(AccessFixture gateway, String name) {
        return TotpCodes.decode(gateway.core().incidents().mfa().enroll(Role.CLIENT, name, "cli:test").secret());
    }

    private String code(byte[] secret) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }

    /** A code none of the accepted steps gives. */
    private String wrongCode(byte[] secret) {
        long now = Totp.step(clock.instant());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!code.equals(Totp.code(secret, now - 1)) && !code.equals(Totp.code(secret, now))
                    && !code.equals(Totp.code(secret, now + 1))) {
                return code;
            }
        }
    }

    @Test
    void wrongAndRightPassword_ofAnMfaAccount_getTheSameAnswers() throws Exception {
        try (AccessFixture gateway = mfaForClients(DefenderPolicy.defaults())) {
            passwordAccount(gateway, "alice");
            byte[] secret = enroll(gateway, "alice");
            String wrongCode = wrongCode(secret);

            // three independent logins, from three sources, at once
            List<Attempt> attempts = concurrently(
                    () -> attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, wrongCode),
                    () -> attempt(gateway, "127.0.0.3", "alice", null, WRONG, wrongCode),
                    () -> attempt(gateway, "127.0.0.4", "nobody", null, WRONG, wrongCode));
            Attempt right = attempts.get(0);
            Attempt wrong = attempts.get(1);
            Attempt nobody = attempts.get(2);

            assertThat(right.answers()).as("the right password: partial success, then the code step")
                    .contains("failure:publickey,keyboard-interactive:partial", "prompts:" + TotpKeyboardInteractive.PROMPT);
            assertThat(wrong.answers()).as("a wrong password is answered exactly as the right one")
                    .isEqualTo(right.answers());
            assertThat(nobody.answers()).as("and a name that does not exist alike").isEqualTo(right.answers());
            assertThat(List.of(right, wrong, nobody)).noneMatch(Attempt::authenticated);
        }
    }

    @Test
    void wrongPassword_withTheRightCode_neverLogsIn_rightPasswordAndCodeDo_oneSuccessOnRecord() throws Exception {
        try (AccessFixture gateway = mfaForClients(DefenderPolicy.defaults())) {
            passwordAccount(gateway, "alice");
            byte[] secret = enroll(gateway, "alice");

            assertThat(attempt(gateway, "127.0.0.2", "alice", null, WRONG, code(secret)).authenticated())
                    .as("a wrong password and the right code").isFalse();
            assertThat(gateway.auditEvents()).noneMatch(e -> e.contains("auth.succeeded"));

            Attempt right = attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, code(secret));
            assertThat(right.authenticated()).as("the right password and code").isTrue();
            assertThat(right.sftpWorks()).isTrue();
            assertThat(right.answers()).endsWith("success");
            assertThat(gateway.auditEvents()).as("one login, one success: the TOTP step's, none for the password")
                    .filteredOn(e -> e.contains("auth.succeeded")).hasSize(1).allMatch(e -> e.contains("\"totp\""));
            assertThat(gateway.auditEvents()).as("the wrong password: one refusal")
                    .filteredOn(e -> e.contains("auth.failed")).hasSize(1).allMatch(e -> e.contains("BAD_CREDENTIAL"));
            assertThat(gateway.core().metrics().registry().get("vaultgate.auth.successes").counters())
                    .extracting(c -> c.getId().getTag("method") + "=" + c.count()).containsExactly("totp=1.0");
            assertThat(gateway.meters().get("vaultgate.sftp.logins").tag("outcome", "success").counters())
                    .extracting(c -> c.getId().getTag("method") + "=" + c.count()).containsExactly("totp=1.0");
        }
    }

    @Test
    void aRightPasswordAlone_resetsNoCount_theWrongOneCountsOnce_aCompletedLoginResetsIt() throws Exception {
        try (AccessFixture gateway = mfaForClients(DefenderPolicy.defaults()
                .withLockout(3, Duration.ofMinutes(30), KeyLoginPolicy.IGNORE))) {
            passwordAccount(gateway, "alice");
            byte[] secret = enroll(gateway, "alice");

            wrongPassword(gateway, secret);
            wrongPassword(gateway, secret);
            assertThat(attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, code(secret)).authenticated())
                    .as("2 wrong passwords, each counted once (its code step counts nothing more): not locked")
                    .isTrue();

            clock.advance(Duration.ofSeconds(30)); // a code is taken once: the next login has the next one
            wrongPassword(gateway, secret);
            wrongPassword(gateway, secret);
            assertThat(attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, wrongCode(secret)).authenticated())
                    .isFalse();
            wrongPassword(gateway, secret);
            assertThat(attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, code(secret)).authenticated())
                    .as("the completed login reset the count, the right password with a wrong code did not:"
                            + " 3 wrong since, locked").isFalse();
            assertThat(gateway.auditEvents()).as("the password locked, not the code step").anyMatch(e ->
                    e.contains("auth.failed") && e.contains("ACCOUNT_LOCKED_OUT"));
            assertThat(gateway.auditEvents()).as("each wrong password audited once")
                    .filteredOn(e -> e.contains("auth.failed") && e.contains("BAD_CREDENTIAL")).hasSize(5);
        }
    }

    private void wrongPassword(AccessFixture gateway, byte[] secret) throws Exception {
        assertThat(attempt(gateway, "127.0.0.2", "alice", null, WRONG, code(secret)).authenticated()).isFalse();
    }

    @Test
    void theDefenderScoresWrongAndRightPasswords_alike() throws Exception {
        try (AccessFixture gateway = mfaForClients(DefenderPolicy.defaults()
                .withBans(3, Duration.ofMinutes(5), Duration.ofHours(1)))) {
            passwordAccount(gateway, "alice");
            passwordAccount(gateway, "bob");
            byte[] secret = enroll(gateway, "alice");
            enroll(gateway, "bob");

            // the whole login (password, then a code) and a client that stops after the password; each round's two
            // logins (other accounts, other sources: nothing in common) at once
            for (int attempt = 1; attempt <= 2; attempt++) {
                concurrently(() -> attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, wrongCode(secret)),
                        () -> attempt(gateway, "127.0.0.3", "bob", null, WRONG, wrongCode(secret)));
                assertThat(admitted(gateway, "127.0.0.2")).as("right password, after %d", attempt)
                        .isEqualTo(admitted(gateway, "127.0.0.3"));
            }
            for (int attempt = 1; attempt <= 3; attempt++) {
                concurrently(() -> passwordOnly(gateway, "127.0.0.4", "alice", PASSWORD),
                        () -> passwordOnly(gateway, "127.0.0.5", "bob", WRONG));
                assertThat(admitted(gateway, "127.0.0.4")).as("right password alone, after %d", attempt)
                        .isEqualTo(admitted(gateway, "127.0.0.5"));
            }
            assertThat(admitted(gateway, "127.0.0.4")).as("banned at the threshold").isFalse();
        }
    }

    /**
     * The password step scores a right password as a wrong one; the completed login takes that point back, so a
     * user (or an office behind one address) logging in again and again is never banned for it (review: the third
     * good login was refused here, banned at the password step).
     */
    @Test
    void completedPasswordAndCodeLogins_earnNoBan() throws Exception {
        try (AccessFixture gateway = mfaForClients(DefenderPolicy.defaults()
                .withBans(3, Duration.ofMinutes(5), Duration.ofHours(1)))) {
            passwordAccount(gateway, "alice");
            byte[] secret = enroll(gateway, "alice");

            for (int login = 1; login <= 5; login++) {
                clock.advance(Duration.ofSeconds(30)); // a code is taken once: each login has the next one
                assertThat(attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, code(secret)).authenticated())
                        .as("login %d", login).isTrue();
            }
            assertThat(admitted(gateway, "127.0.0.2")).isTrue();
        }
    }

    private static boolean admitted(AccessFixture gateway, String source) {
        return gateway.core().incidents().defender().admits(source, "connect");
    }

    private static Attempt passwordOnly(AccessFixture gateway, String source, String user, String password)
            throws Exception {
        return attempt(gateway, source, user, null, password, null, List.of(UserAuthPasswordFactory.INSTANCE));
    }

    /**
     * Runs independent logins at once, each on a thread of its own, and returns their results in order: each login
     * of an MFA account waits out both floors, and these share neither a source nor a count that depends on their
     * order.
     */
    @SafeVarargs
    private static List<Attempt> concurrently(Callable<Attempt>... logins) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(logins.length);
        try {
            List<Future<Attempt>> running = new ArrayList<>();
            for (Callable<Attempt> login : logins) {
                running.add(threads.submit(login));
            }
            List<Attempt> attempts = new ArrayList<>();
            for (Future<Attempt> login : running) {
                attempts.add(login.get(60, TimeUnit.SECONDS));
            }
            return attempts;
        } finally {
            threads.shutdownNow();
        }
    }

    static Stream<Set<Role>> mfaNotForClients() {
        return Stream.of(Set.of(), Set.of(Role.OPERATOR, Role.ADMIN));
    }

    /**
     * Where client accounts, the only principals with passwords, need no TOTP code (no MFA at all, or MFA for
     * operators and administrators only), a wrong password is a plain failure: before, MFA for any role sent every
     * password on to the code step, and a client that mistyped its password was asked for a code it has none of.
     */
    @ParameterizedTest
    @MethodSource("mfaNotForClients")
    void clientsWithoutMfa_aWrongPasswordIsAPlainFailure_askingForNoCode(Set<Role> mfaFor) throws Exception {
        try (AccessFixture gateway = start(AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(mfaFor)))) {
            passwordAccount(gateway, "alice");

            Attempt wrong = attempt(gateway, "127.0.0.2", "alice", null, WRONG, "000000");
            assertThat(wrong.authenticated()).isFalse();
            assertThat(wrong.answers()).as("no partial success, no code step")
                    .noneMatch(a -> a.endsWith(":partial") || a.startsWith("prompts:"));
            assertThat(attempt(gateway, "127.0.0.2", "alice", null, PASSWORD, "000000").sftpWorks()).isTrue();
        }
    }

    /**
     * Where clients need no TOTP code, a password decides nothing of the session's methods: an operator's key tried
     * after it still needs its code (a password that left the session on {@code publickey password}, where a key
     * alone logs in, would have let a stolen operator key in without one).
     */
    @Test
    void mfaForOperatorsOnly_aPasswordTriedFirst_leavesAnOperatorsKeyNeedingItsCode() throws Exception {
        try (AccessFixture gateway = start(AccessPolicy.defaults()
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))))) {
            KeyPair maria = gateway.operator("maria");
            byte[] secret = TotpCodes.decode(gateway.core().incidents().mfa().enroll(Role.OPERATOR, "maria",
                    "cli:test").secret());

            Attempt passwordThenKey = attempt(gateway, "127.0.0.2", "maria", maria, WRONG, wrongCode(secret),
                    List.of(UserAuthPasswordFactory.INSTANCE, UserAuthPublicKeyFactory.INSTANCE,
                            UserAuthKeyboardInteractiveFactory.INSTANCE));

            assertThat(passwordThenKey.authenticated()).as("the key without its code").isFalse();
            assertThat(passwordThenKey.answers()).contains("failure:publickey,password",
                    "prompts:" + TotpKeyboardInteractive.PROMPT);
        }
    }

    @Test
    void withMfa_aSessionDecidedKeyOrPasswordAlone_takesAWrongPasswordAsAPlainFailure() throws Exception {
        // MFA for operators only; alice's key passes the precheck (a client: key or password alone), then its login
        // is refused, so the session's methods stay "publickey password", where a password alone logs in
        try (AccessFixture gateway = start(AccessPolicy.defaults()
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))), RefusingKeyLogins::new)) {
            KeyPair alice = passwordAccount(gateway, "alice");

            Attempt wrong = attempt(gateway, "127.0.0.2", "alice", alice, WRONG, "000000");
            assertThat(wrong.authenticated()).as("a wrong password after the key").isFalse();
            assertThat(wrong.answers()).noneMatch(a -> a.endsWith(":partial") || a.startsWith("prompts:"));
            assertThat(attempt(gateway, "127.0.0.2", "alice", alice, PASSWORD, "000000").sftpWorks())
                    .as("the right one: a login, as a password alone is for alice").isTrue();
        }
    }

    /** The core's authenticator, except that it refuses every key login (its queries are answered as ever). */
    private record RefusingKeyLogins(Authenticator core) implements Authenticator {
        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
            return new AuthResult.Failure(username, AuthFailure.BAD_CREDENTIAL);
        }

        @Override
        public AuthResult queryPublicKey(String username, String fingerprint, Protocol protocol, String source) {
            return core.queryPublicKey(username, fingerprint, protocol, source);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
            return core.byPassword(username, password, protocol, source);
        }

        @Override
        public AuthResult firstFactorByPassword(String username, char[] password, Protocol protocol,
                                                String source) {
            return core.firstFactorByPassword(username, password, protocol, source);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String source) {
            return core.byToken(token, protocol, source);
        }

        @Override
        public AuthResult byTotp(io.vaultgate.core.auth.Principal principal, String code, Protocol protocol,
                                 String source) {
            return core.byTotp(principal, code, protocol, source);
        }

        @Override
        public io.vaultgate.core.auth.AccessControl access() {
            return core.access();
        }
    }

    /** What the server answered one login, in order, whether the session got authenticated and SFTP then worked. */
    private record Attempt(boolean authenticated, boolean sftpWorks, List<String> answers) {
    }

    private static Attempt attempt(AccessFixture gateway, String source, String user, KeyPair key, String password,
                                   String code) throws Exception {
        return attempt(gateway, source, user, key, password, code, List.of(UserAuthPublicKeyFactory.INSTANCE,
                UserAuthPasswordFactory.INSTANCE, UserAuthKeyboardInteractiveFactory.INSTANCE));
    }

    /**
     * Logs in from {@code source} with a client of its own that has only {@code methods}, {@code key} (if any),
     * {@code password} and answers a code prompt with {@code code}, recording the server's answers: each
     * {@code USERAUTH_FAILURE} as {@code failure:<methods>[:partial]}, each set of prompts, the success.
     */
    private static Attempt attempt(AccessFixture gateway, String source, String user, KeyPair key, String password,
                                   String code, List<UserAuthFactory> methods) throws Exception {
        List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(methods);
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1); // one code per login: each is counted
        client.setServiceFactories(List.of(new RecordingUserAuthFactory(answers),
                ClientConnectionServiceFactory.INSTANCE));
        client.setUserInteraction(new UserInteraction() {
            @Override
            public String[] interactive(ClientSession s, String name, String instruction, String lang,
                                        String[] prompts, boolean[] echo) {
                answers.add("prompts:" + String.join("|", prompts));
                return prompts.length == 0 ? new String[0] : new String[] {code};
            }

            @Override
            public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                return null;
            }
        });
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()),
                new InetSocketAddress(source, 0)).verify(AccessFixture.TIMEOUT).getSession()) {
            if (key != null) {
                session.addPublicKeyIdentity(key);
            }
            if (password != null) {
                session.addPasswordIdentity(password);
            }
            try {
                session.auth().verify(AccessFixture.TIMEOUT);
            } catch (Exception refused) {
                // reported by the result
            }
            boolean authenticated = session.isAuthenticated();
            boolean sftpWorks = false;
            if (authenticated) {
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    sftpWorks = sftp.canonicalPath("/").equals("/");
                } catch (java.io.IOException noPrincipal) {
                    // reported by the result
                }
            }
            return new Attempt(authenticated, sftpWorks, new ArrayList<>(answers));
        } finally {
            client.stop();
        }
    }
}
