package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * While the tenant's policy refuses an account, its right password must not be told from a wrong one: before, a wrong
 * one scored and counted towards the name's lockout and a right one did neither, so a guesser against a locked tenant
 * learnt the password (its address was banned one attempt later, the name never locked) and used it once the tenant
 * was unlocked. For each policy: the same answer, the same ban at the same attempt, no lockout count for either (so
 * the account's own retries lock nobody out for later); the audit keeps the truth. On the catalog the run uses
 * (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}).
 */
class PolicyRefusalOracleTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private static final char[] WRONG = "incorrect horse battery".toCharArray();
    private static final int THRESHOLD = 3;
    private static final int LOCKOUT = 3;
    private static final TenantId ACME = TenantId.of("acme");
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";
    private static final String FINGERPRINT = "SHA256:XZAbVVMB7KOYy8d1svBVu4ov4OeDXCfS6rqxB5Nnac4";
    private static final String OTHER_KEY = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));

    /** A refusal of the tenant's policy: how to impose it, and how to lift it. Attempts come from 203.0.113.x. */
    enum Policy {
        TENANT_LOCKED(AuthFailure.TENANT_LOCKED) {
            void impose(TestCore test) {
                test.core().administration().lock(ACME);
            }

            void lift(TestCore test) {
                test.core().administration().unlock(ACME);
            }
        },
        ACCOUNT_EXPIRED(AuthFailure.ACCOUNT_EXPIRED) {
            void impose(TestCore test) {
                test.core().incidents().expiry().set("acme-up", Optional.of(Instant.parse("2026-11-30T11:00:00Z")),
                        "cli:test");
            }

            void lift(TestCore test) {
                test.core().incidents().expiry().set("acme-up", Optional.empty(), "cli:test");
            }
        },
        PROTOCOL_NOT_ALLOWED(AuthFailure.PROTOCOL_NOT_ALLOWED) {
            void impose(TestCore test) {
                change(test, tenant -> withProtocols(tenant, Set.of(Protocol.HTTPS)));
            }

            void lift(TestCore test) {
                change(test, tenant -> withProtocols(tenant, Set.of(Protocol.SFTP, Protocol.HTTPS)));
            }
        },
        PASSWORDS_NOT_ALLOWED(AuthFailure.METHOD_NOT_ALLOWED) {
            void impose(TestCore test) {
                change(test, tenant -> tenant.withPasswordLogin(false));
            }

            void lift(TestCore test) {
                change(test, tenant -> tenant.withPasswordLogin(true));
            }
        },
        SOURCE_NOT_IN_ALLOWLIST(AuthFailure.SOURCE_NOT_ALLOWED) {
            void impose(TestCore test) {
                test.core().administration().setAllowedSources(ACME, List.of(Cidr.parse("198.51.100.0/24")));
            }

            void lift(TestCore test) {
                test.core().administration().setAllowedSources(ACME, List.of());
            }
        },
        SOURCE_DENIED(AuthFailure.SOURCE_NOT_ALLOWED) {
            void impose(TestCore test) {
                test.core().incidents().deniedSources().replace(ACME, List.of(Cidr.parse("203.0.113.0/24")),
                        "cli:test");
            }

            void lift(TestCore test) {
                test.core().incidents().deniedSources().replace(ACME, List.of(), "cli:test");
            }
        };

        final AuthFailure reason;

        Policy(AuthFailure reason) {
            this.reason = reason;
        }

        abstract void impose(TestCore test);

        abstract void lift(TestCore test);
    }

    private TestCore core() {
        TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withDefender(DefenderPolicy.defaults().withBans(THRESHOLD,
                        Duration.ofMinutes(10), Duration.ofHours(1)).withLockout(LOCKOUT, Duration.ofMinutes(30),
                        KeyLoginPolicy.LOCK))), clock);
        test.core().administration().createTenant(ACME, "Acme", true);
        test.core().administration().createAccount(ACME, "acme-up");
        test.core().administration().setPassword("acme-up", PASSWORD);
        test.core().administration().addSshKey("acme-up", KEY);
        return test;
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void rightAndWrongPassword_whileAPolicyRefuses_scoreAlike_andCountTowardsNoLockout(Policy policy) {
        try (TestCore test = core()) {
            policy.impose(test);
            Authenticator auth = test.core().authenticator();
            Defender defender = test.core().incidents().defender();

            for (int attempt = 1; attempt <= THRESHOLD; attempt++) {
                AuthResult right = auth.byPassword("acme-up", PASSWORD.clone(), Protocol.SFTP, "203.0.113.1");
                AuthResult wrong = auth.byPassword("acme-up", WRONG.clone(), Protocol.SFTP, "203.0.113.2");
                assertThat(right).as("attempt %d, the audit's reason", attempt)
                        .isEqualTo(new AuthResult.Failure("acme-up", policy.reason));
                assertThat(wrong).as("attempt %d", attempt)
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL));
                assertThat(defender.admits("203.0.113.1", "connect")).as("right password, after attempt %d", attempt)
                        .isEqualTo(defender.admits("203.0.113.2", "connect"));
                assertThat(failuresCounted(test, "password")).as("after attempt %d", attempt).isZero();
            }
            assertThat(defender.admits("203.0.113.1", "connect")).as("both banned at the threshold").isFalse();

            policy.lift(test);
            assertThat(auth.byPassword("acme-up", PASSWORD.clone(), Protocol.SFTP, "203.0.113.9"))
                    .as("the refused attempts locked the name out of nothing").isInstanceOf(AuthResult.Success.class);
        }
    }

    /**
     * Key logins: a wrong key counts towards the name's key lockout (where key logins lock) no more than a right one
     * while a policy refuses, so guesses from a denied network cannot lock an allowlisted account out. A right key
     * refused by policy is still not scored: it was proved by its signature, which no guesser gives.
     */
    @Test
    void wrongKeys_whileTheTenantIsLocked_lockNothingOut() {
        try (TestCore test = core()) {
            Policy.TENANT_LOCKED.impose(test);
            Authenticator auth = test.core().authenticator();
            for (int attempt = 1; attempt <= LOCKOUT + 1; attempt++) {
                assertThat(auth.byPublicKey("acme-up", OTHER_KEY, Protocol.SFTP, "203.0.113." + (10 + attempt)))
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL));
                assertThat(auth.queryPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "203.0.113.30"))
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.TENANT_LOCKED));
            }
            assertThat(failuresCounted(test, "key")).isZero();
            assertThat(test.core().incidents().defender().admits("203.0.113.30", "connect"))
                    .as("a right key is no guess").isTrue();

            Policy.TENANT_LOCKED.lift(test);
            assertThat(auth.byPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "203.0.113.40"))
                    .isInstanceOf(AuthResult.Success.class);
        }
    }

    private static long failuresCounted(TestCore test, String method) {
        return test.database().read(jdbc -> jdbc.count("SELECT COALESCE(SUM(failures), 0) FROM login_lockouts "
                + "WHERE username = ? AND method = ?", "acme-up", method));
    }

    private static void change(TestCore test, UnaryOperator<Tenant> change) {
        TenantRepository tenants = new TenantRepository();
        test.database().inTransaction(jdbc -> {
            tenants.update(jdbc, change.apply(tenants.find(jdbc, ACME).orElseThrow()));
            return null;
        });
    }

    private static Tenant withProtocols(Tenant tenant, Set<Protocol> protocols) {
        return new Tenant(tenant.id(), tenant.name(), tenant.status(), tenant.quota(), tenant.retention(), protocols,
                tenant.passwordLoginAllowed(), tenant.allowedSources(), tenant.createdAt(), tenant.maxFileSize());
    }
}
