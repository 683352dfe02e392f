package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.mfa.Totp;
import io.vaultgate.core.testing.TotpCodes;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public half of a key proves nothing: a signature-less "would this key do?" query and a request with a forged
 * signature, both of which anyone can make from an {@code authorized_keys} line, neither log in nor write
 * {@code auth.succeeded} into the audit log nor reset the account's key lockout count, with MFA off and on (where
 * {@link PrincipalAuthMethods} looks at the key before MINA does); the forged signature is an {@code auth.failed}
 * ({@link ForgedSignatureIT}). A real key login is exactly one {@code auth.succeeded}; with MFA, a key and TOTP login
 * too, the TOTP step's (the key step alone is no login, and resets no lockout count).
 */
class PublicKeyQueryIT {

    @TempDir
    Path directory;

    @Test
    void queryAndForgedSignature_areNoLogin_andNoSuccessOnRecord() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair maria = gateway.client("maria");

            assertPublicHalfGetsNowhere(gateway, "maria", maria.getPublic());

            try (ClientSession session = gateway.login("127.0.0.1", "maria", maria)) {
                assertThat(session.isAuthenticated()).isTrue();
            }
            assertThat(keySuccesses(gateway, "maria")).as("one real login, one success").isEqualTo(1);
        }
    }

    @Test
    void withMfa_queryAndForgedSignature_areNoLogin_andNoSuccessOnRecord() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults()
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))))) {
            KeyPair alice = gateway.client("alice");
            KeyPair maria = gateway.operator("maria");
            byte[] secret = TotpCodes.decode(gateway.core().incidents().mfa()
                    .enroll(Role.OPERATOR, "maria", "cli:test").secret());

            assertPublicHalfGetsNowhere(gateway, "maria", maria.getPublic());
            assertPublicHalfGetsNowhere(gateway, "alice", alice.getPublic());

            try (ClientSession session = gateway.loginWithCode("maria", maria,
                    Totp.code(secret, Totp.step(Instant.now())), new ArrayList<>())) {
                assertThat(session.isAuthenticated()).isTrue();
            }
            try (ClientSession session = gateway.login("127.0.0.1", "alice", alice)) {
                assertThat(session.isAuthenticated()).isTrue();
            }
            assertThat(successes(gateway, "maria")).as("one real login, key then TOTP: one success").isEqualTo(1);
            assertThat(keySuccesses(gateway, "maria")).as("the key step alone is no login").isZero();
            assertThat(gateway.auditEvents()).anyMatch(e -> e.contains("auth.succeeded")
                    && e.contains("\"actor\":\"maria\"") && e.contains("\"totp\""));
            assertThat(successes(gateway, "alice")).as("one real login, one success").isEqualTo(1);
            assertThat(keySuccesses(gateway, "alice")).isEqualTo(1);
            assertThat(gateway.core().metrics().registry().get("vaultgate.auth.successes").tag("protocol", "sftp")
                    .counters()).as("two logins counted once each").extracting(c -> c.count()).containsOnly(1.0)
                    .hasSize(2);
        }
    }

    @Test
    void withMfa_theKeyStepOfAnOperator_doesNotResetTheKeyLockoutCount() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(1000, Duration.ofMinutes(5), Duration.ofHours(1))
                .withLockout(3, Duration.ofMinutes(30), KeyLoginPolicy.LOCK))
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR)));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair maria = gateway.operator("maria");
            byte[] secret = TotpCodes.decode(gateway.core().incidents().mfa()
                    .enroll(Role.OPERATOR, "maria", "cli:test").secret());
            KeyPair stranger = gateway.strangerKey("mallory");
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria", stranger).close())
                        .isInstanceOf(Exception.class);
            }
            assertThat(gateway.authenticates("maria", List.of(UserAuthPublicKeyFactory.INSTANCE), maria))
                    .as("maria's key step, and no code (a client that offers nothing else)").isFalse();
            assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria", stranger).close())
                    .isInstanceOf(Exception.class);

            assertThatThrownBy(() -> gateway.loginWithCode("maria", maria, Totp.code(secret,
                    Totp.step(Instant.now())), new ArrayList<>()).close())
                    .as("three wrong keys lock maria's key logins; her key step in between reset nothing")
                    .isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).as("locked at the key: no code was ever refused")
                    .anyMatch(e -> e.contains("ACCOUNT_LOCKED_OUT") && e.contains("maria"))
                    .noneMatch(e -> e.contains("MFA_FAILED")).noneMatch(e -> e.contains("auth.succeeded"));
        }
    }

    @Test
    void queryWithTheRightKey_doesNotResetTheKeyLockoutCount() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(1000, Duration.ofMinutes(5), Duration.ofHours(1))
                .withLockout(3, Duration.ofMinutes(30), KeyLoginPolicy.LOCK));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair maria = gateway.client("maria");
            KeyPair stranger = gateway.strangerKey("mallory");
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria", stranger).close())
                        .isInstanceOf(Exception.class);
            }
            query(gateway, "maria", maria.getPublic(), null);
            assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria", stranger).close())
                    .isInstanceOf(Exception.class);

            assertThatThrownBy(() -> gateway.login("127.0.0.1", "maria", maria).close())
                    .as("three failures in a row lock the account; the query in between did not reset them")
                    .isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).anyMatch(e -> e.contains("ACCOUNT_LOCKED_OUT") && e.contains("maria"));
        }
    }

    private static void assertPublicHalfGetsNowhere(AccessFixture gateway, String user, PublicKey key)
            throws Exception {
        assertThat(query(gateway, user, key, null)).as("a query is no login").isFalse();
        assertThat(query(gateway, user, key, new byte[64])).as("a forged signature is no login").isFalse();
        assertThat(keySuccesses(gateway, user)).as("no success on record for " + user).isZero();
        assertThat(gateway.auditEvents()).as("the forged signature is a failed login").filteredOn(e -> e.contains(
                "auth.failed") && e.contains("\"actor\":\"" + user + "\"") && e.contains("BAD_CREDENTIAL")).hasSize(1);
    }

    /** Sends one publickey request of {@code key} alone; whether the session got authenticated. */
    private static boolean query(AccessFixture gateway, String user, PublicKey key, byte[] signature)
            throws Exception {
        return gateway.authenticates(user, RawPublicKeyRequest.only(key, signature), null);
    }

    private static long keySuccesses(AccessFixture gateway, String user) throws Exception {
        return gateway.auditEvents().stream().filter(e -> e.contains("auth.succeeded")
                && e.contains("\"actor\":\"" + user + "\"") && e.contains("\"publickey\"")).count();
    }

    private static long successes(AccessFixture gateway, String user) throws Exception {
        return gateway.auditEvents().stream().filter(e -> e.contains("auth.succeeded")
                && e.contains("\"actor\":\"" + user + "\"")).count();
    }
}
