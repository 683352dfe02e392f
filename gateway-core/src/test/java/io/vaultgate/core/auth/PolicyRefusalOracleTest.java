package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.AuthFailureCounts;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TenantPolicyRefusal;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
    private static final TenantPolicyRefusal.Target TARGET = new TenantPolicyRefusal.Target(ACME, "acme-up",
            Protocol.SFTP, Cidr.parse("203.0.113.0/24"));

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));

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
    @EnumSource(TenantPolicyRefusal.class)
    void rightAndWrongPassword_whileAPolicyRefuses_scoreAlike_andCountTowardsNoLockout(TenantPolicyRefusal policy) {
        try (TestCore test = core()) {
            policy.impose(test, TARGET);
            Authenticator auth = test.core().authenticator();
            Defender defender = test.core().incidents().defender();

            for (int attempt = 1; attempt <= THRESHOLD; attempt++) {
                AuthResult right = auth.byPassword("acme-up", PASSWORD.clone(), Protocol.SFTP, "203.0.113.1");
                AuthResult wrong = auth.byPassword("acme-up", WRONG.clone(), Protocol.SFTP, "203.0.113.2");
                assertThat(right).as("attempt %d, the audit's reason", attempt)
                        .isEqualTo(new AuthResult.Failure("acme-up", policy.reason()));
                assertThat(wrong).as("attempt %d, the audit's reason and the shown one", attempt)
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL, policy.reason()));
                assertThat(defender.admits("203.0.113.1", "connect")).as("right password, after attempt %d", attempt)
                        .isEqualTo(defender.admits("203.0.113.2", "connect"));
                assertThat(failuresCounted(test, "password")).as("after attempt %d", attempt).isZero();
            }
            assertThat(defender.admits("203.0.113.1", "connect")).as("both banned at the threshold").isFalse();

            policy.lift(test, TARGET);
            assertThat(auth.byPassword("acme-up", PASSWORD.clone(), Protocol.SFTP, "203.0.113.9"))
                    .as("the refused attempts locked the name out of nothing").isInstanceOf(AuthResult.Success.class);
        }
    }

    /**
     * What whoever scrapes the ops listener or reads the server log sees of a refusal: the reason a failure shows,
     * which the metric counts and the front-ends log. While a policy refuses, a right and a wrong password (or key)
     * show the policy's reason alike, whichever way they come (a login, the first step of one, a key query); before,
     * {@code vaultgate_auth_failures_total} counted a wrong one as {@code bad_credential} and a right one under the
     * policy's reason. The audit record keeps the true reason.
     */
    @ParameterizedTest
    @EnumSource(TenantPolicyRefusal.class)
    void rightAndWrongCredential_whileAPolicyRefuses_showThePolicysReason(TenantPolicyRefusal policy)
            throws Exception {
        try (TestCore test = core()) {
            policy.impose(test, TARGET);
            Authenticator auth = test.core().authenticator();
            AuthFailureCounts metric = new AuthFailureCounts(test.core().metrics().registry());
            Map<String, Callable<AuthResult>> attempts = new LinkedHashMap<>();
            attempts.put("right password", () -> auth.byPassword("acme-up", PASSWORD.clone(), Protocol.SFTP,
                    "203.0.113.1"));
            attempts.put("wrong password", () -> auth.byPassword("acme-up", WRONG.clone(), Protocol.SFTP,
                    "203.0.113.2"));
            attempts.put("right first step", () -> auth.firstFactorByPassword("acme-up", PASSWORD.clone(),
                    Protocol.SFTP, "203.0.113.3"));
            attempts.put("wrong first step", () -> auth.firstFactorByPassword("acme-up", WRONG.clone(),
                    Protocol.SFTP, "203.0.113.4"));
            if (policy != TenantPolicyRefusal.PASSWORDS_NOT_ALLOWED) { // which refuses no key
                attempts.put("right key queried", () -> auth.queryPublicKey("acme-up", FINGERPRINT, Protocol.SFTP,
                        "203.0.113.5"));
                attempts.put("wrong key queried", () -> auth.queryPublicKey("acme-up", OTHER_KEY, Protocol.SFTP,
                        "203.0.113.6"));
                attempts.put("wrong key", () -> auth.byPublicKey("acme-up", OTHER_KEY, Protocol.SFTP,
                        "203.0.113.7"));
            }
            String shown = "sftp/" + policy.reason().name().toLowerCase(Locale.ROOT);

            for (Map.Entry<String, Callable<AuthResult>> attempt : attempts.entrySet()) {
                AuthFailureCounts.Change<AuthResult> change = metric.during(attempt.getValue());
                assertThat(change.increase()).as("the metric, %s", attempt.getKey()).isEqualTo(Map.of(shown, 1.0));
                assertThat(change.answer()).as(attempt.getKey()).isInstanceOfSatisfying(AuthResult.Failure.class,
                        failure -> assertThat(failure.shown()).isEqualTo(policy.reason()));
                AuthFailure audited = attempt.getKey().startsWith("right") ? policy.reason()
                        : AuthFailure.BAD_CREDENTIAL;
                assertThat(lastAuditedFailure(test)).as("the audit record, %s", attempt.getKey())
                        .contains("\"reason\":\"" + audited + "\"");
            }
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
            TenantPolicyRefusal.TENANT_LOCKED.impose(test, TARGET);
            Authenticator auth = test.core().authenticator();
            for (int attempt = 1; attempt <= LOCKOUT + 1; attempt++) {
                assertThat(auth.byPublicKey("acme-up", OTHER_KEY, Protocol.SFTP, "203.0.113." + (10 + attempt)))
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.BAD_CREDENTIAL,
                                AuthFailure.TENANT_LOCKED));
                assertThat(auth.queryPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "203.0.113.30"))
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.TENANT_LOCKED));
            }
            assertThat(failuresCounted(test, "key")).isZero();
            assertThat(test.core().incidents().defender().admits("203.0.113.30", "connect"))
                    .as("a right key is no guess").isTrue();

            TenantPolicyRefusal.TENANT_LOCKED.lift(test, TARGET);
            assertThat(auth.byPublicKey("acme-up", FINGERPRINT, Protocol.SFTP, "203.0.113.40"))
                    .isInstanceOf(AuthResult.Success.class);
        }
    }

    private static String lastAuditedFailure(TestCore test) {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT event FROM audit_events WHERE kind = 'auth.failed' "
                + "ORDER BY seq DESC LIMIT 1", row -> row.getString(1))).orElseThrow();
    }

    private static long failuresCounted(TestCore test, String method) {
        return test.database().read(jdbc -> jdbc.count("SELECT COALESCE(SUM(failures), 0) FROM login_lockouts "
                + "WHERE username = ? AND method = ?", "acme-up", method));
    }
}
