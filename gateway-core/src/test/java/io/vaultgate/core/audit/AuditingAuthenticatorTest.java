package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditingAuthenticatorTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final ClientPrincipal ALICE = new ClientPrincipal("a_1", "alice", ACME, Protocol.SFTP);

    /** Alice logs in with password "right"; bob exists but always fails; tokens always fail anonymously. */
    private static final Authenticator FAKE = new Authenticator() {
        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
            return username.equals("alice") ? new AuthResult.Success(ALICE)
                    : new AuthResult.Failure(username, AuthFailure.UNKNOWN_USER);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
            return username.equals("alice") && new String(password).equals("right") ? new AuthResult.Success(ALICE)
                    : new AuthResult.Failure(username, AuthFailure.BAD_CREDENTIAL);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String source) {
            return new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL);
        }
    };

    @TempDir
    Path dir;

    @Test
    void everyAttempt_isOneEvent_withTheTenantOfAKnownAccount_andNoSecret() {
        AuditFixture audit = new AuditFixture(dir, CheckpointPolicy.defaults());
        Authenticator authenticator = new AuditingAuthenticator(FAKE, audit.log,
                username -> username.equals("alice") || username.equals("bob") ? Optional.of(ACME) : Optional.empty(),
                audit.clock);
        assertThat(authenticator.byPassword("alice", "right".toCharArray(), Protocol.SFTP, "203.0.113.5"))
                .isInstanceOf(AuthResult.Success.class);
        authenticator.byPassword("bob", "s3cret-guess".toCharArray(), Protocol.SFTP, "198.51.100.7");
        authenticator.byPublicKey("mallory", "SHA256:xyz", Protocol.SFTP, "198.51.100.7");
        authenticator.byToken("vg_supersecrettoken", Protocol.HTTPS, null);

        assertThat(audit.column("event", 1)).contains("\"kind\":\"auth.succeeded\"", "\"method\":\"password\"",
                "\"tenant\":\"acme\"", "\"source\":\"203.0.113.5\"");
        assertThat(audit.column("event", 2)).contains("\"kind\":\"auth.failed\"", "\"actor\":\"bob\"",
                "\"reason\":\"BAD_CREDENTIAL\"", "\"tenant\":\"acme\"");
        assertThat(audit.column("event", 3)).contains("\"actor\":\"mallory\"", "\"reason\":\"UNKNOWN_USER\"",
                "\"tenant\":null");
        assertThat(audit.column("event", 4)).contains("\"actor\":\"(token)\"", "\"source\":\"unknown\"");
        assertThat(audit.count("SELECT COUNT(*) FROM audit_events WHERE event LIKE '%secret%'")).isZero();
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void aLoginThatCannotBeAudited_fails() {
        AuditLog broken = new AuditLog() {
            @Override
            public AuditRecord append(AuditEvent event) {
                throw new IllegalStateException("catalog unavailable");
            }

            @Override
            public AuditRecord append(Jdbc jdbc, AuditEvent event) {
                throw new IllegalStateException("catalog unavailable");
            }
        };
        Authenticator authenticator = new AuditingAuthenticator(FAKE, broken, username -> Optional.empty(),
                new MutableClock(java.time.Instant.EPOCH));
        assertThatThrownBy(() -> authenticator.byPassword("alice", "right".toCharArray(), Protocol.SFTP, "203.0.113.5"))
                .hasMessageContaining("catalog unavailable");
    }
}
