package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.Ban;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that presents the public half of an account's key, which anyone may have (an {@code authorized_keys}
 * line, a profile page), and signs with another private key (MINA's client given a mismatched key pair) does not
 * get in, and each such request is a failed login like a wrong key: audited ({@code auth.failed},
 * {@code BAD_CREDENTIAL}), counted by the front-end, scored against its source by the defender and counted towards
 * the name's key lockout where key logins lock; with MFA on too, where {@link PrincipalAuthMethods} looks at the
 * signature before MINA's service does.
 */
class ForgedSignatureIT {

    @TempDir
    Path directory;

    @Test
    void signatureByAnotherKey_isAFailedLogin_auditedScoredAndCountedTowardsTheKeyLockout() throws Exception {
        AccessPolicy policy = AccessPolicy.defaults().withDefender(DefenderPolicy.defaults()
                .withBans(3, Duration.ofMinutes(5), Duration.ofHours(1))
                .withLockout(3, Duration.ofMinutes(30), KeyLoginPolicy.LOCK));
        try (AccessFixture gateway = AccessFixture.start(directory, policy)) {
            KeyPair maria = gateway.client("maria");
            KeyPair forged = new KeyPair(maria.getPublic(), gateway.strangerKey("mallory").getPrivate());

            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria", forged).close())
                        .as("maria's public key signed by another key").isInstanceOf(Exception.class);
            }

            assertThat(refusals(gateway, "maria", "BAD_CREDENTIAL")).as("each forged signature audited").isEqualTo(3);
            assertThat(gateway.meters().get("vaultgate.sftp.logins").tag("method", "publickey")
                    .tag("outcome", "failure").counter().count()).isEqualTo(3.0);
            assertThat(gateway.core().incidents().defender().activeBans()).extracting(Ban::address)
                    .as("scored against the source: banned after 3").containsExactly("127.0.0.2");
            assertThatThrownBy(() -> gateway.login("127.0.0.3", "maria", maria).close())
                    .as("counted towards the key lockout like wrong keys: maria's own key is locked out")
                    .isInstanceOf(Exception.class);
            assertThat(refusals(gateway, "maria", "ACCOUNT_LOCKED_OUT")).isEqualTo(1);
            assertThat(gateway.auditEvents()).noneMatch(e -> e.contains("auth.succeeded"));
        }
    }

    @Test
    void withMfa_aForgedSignatureOfAnOperatorsKey_isAFailedLogin() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults()
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))))) {
            KeyPair maria = gateway.operator("maria");
            gateway.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");
            KeyPair alice = gateway.client("alice");
            KeyPair stranger = gateway.strangerKey("mallory");

            assertThatThrownBy(() -> gateway.login("127.0.0.2", "maria",
                    new KeyPair(maria.getPublic(), stranger.getPrivate())).close()).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> gateway.login("127.0.0.2", "alice",
                    new KeyPair(alice.getPublic(), stranger.getPrivate())).close()).isInstanceOf(Exception.class);

            assertThat(refusals(gateway, "maria", "BAD_CREDENTIAL")).isEqualTo(1);
            assertThat(refusals(gateway, "alice", "BAD_CREDENTIAL")).isEqualTo(1);
            assertThat(gateway.auditEvents()).noneMatch(e -> e.contains("auth.succeeded"));
        }
    }

    private static long refusals(AccessFixture gateway, String user, String reason) throws Exception {
        return gateway.auditEvents().stream().filter(e -> e.contains("auth.failed")
                && e.contains("\"actor\":\"" + user + "\"") && e.contains(reason)).count();
    }
}
