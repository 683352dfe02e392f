package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.MonitorPrincipal;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor's token reads the ops listener and opens nothing else: the core's authenticator admits it only through
 * {@link Authenticator#byOpsToken}, refuses it on every login, and it is created, replaced, revoked and removed like an
 * administrator's, audited.
 */
class MonitorsTest {

    private static final String SOURCE = "192.0.2.7";

    @TempDir
    Path home;
    private TestCore test;
    private Monitors monitors;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        monitors = test.core().incidents().monitors();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aMonitorsToken_opensTheOpsCheck_andEveryLoginRefusesIt() {
        String token = monitors.add("prometheus", "cli");

        assertThat(ops(token)).isInstanceOfSatisfying(AuthResult.Success.class,
                success -> assertThat(success.principal()).isEqualTo(new MonitorPrincipal("prometheus")));
        for (Protocol protocol : Protocol.values()) {
            assertThat(authenticator().byToken(token, protocol, SOURCE)).as(protocol.name())
                    .isEqualTo(new AuthResult.Failure("prometheus", AuthFailure.MONITOR_ONLY));
            assertThat(authenticator().byPassword("prometheus", token.toCharArray(), protocol, SOURCE))
                    .as("no password: the name logs in nowhere").isInstanceOf(AuthResult.Failure.class);
        }
        assertThat(authenticator().byTokenAndTotp(token, "123456", Protocol.HTTPS, SOURCE))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(audit("auth.failed")).anySatisfy(event -> assertThat(event).contains("prometheus")
                .contains("MONITOR_ONLY"));
        assertThat(audit("auth.succeeded")).anySatisfy(event -> assertThat(event).contains("prometheus"));
    }

    @Test
    void anAdministratorsToken_stillOpensTheOpsCheck() {
        String token = test.core().incidents().administrators().add("root", "cli");

        assertThat(opsOnTheHost(token)).isInstanceOfSatisfying(AuthResult.Success.class,
                success -> assertThat(success.principal()).isEqualTo(new AdminPrincipal("root")));
    }

    /** Where administrators need a TOTP code, their long-lived tokens fail on the ops listener; a monitor's do not. */
    @Test
    void aMonitor_needsNoSecondFactor_whereAdministratorsAndOperatorsDo() throws Exception {
        test.close();
        test = TestCore.create(Files.createDirectories(home.resolve("mfa")), new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.ADMIN, Role.OPERATOR)))));
        String monitor = test.core().incidents().monitors().add("prometheus", "cli");
        String admin = test.core().incidents().administrators().add("root", "cli");

        assertThat(ops(monitor)).isInstanceOf(AuthResult.Success.class);
        assertThat(opsOnTheHost(admin)).isEqualTo(new AuthResult.Failure("root", AuthFailure.MFA_REQUIRED));
        assertThat(authenticator().byToken(monitor, Protocol.HTTPS, SOURCE))
                .isEqualTo(new AuthResult.Failure("prometheus", AuthFailure.MONITOR_ONLY));
    }

    @Test
    void rotatingAndRemoving_revokeTheTokens_andAreAudited() {
        String first = monitors.add("prometheus", "cli");

        RotatedToken rotated = monitors.rotateToken("prometheus", "routine", "cli");

        assertThat(rotated.revoked()).hasSize(1);
        assertThat(rotated.toString()).doesNotContain(rotated.token());
        assertThat(ops(first)).isInstanceOf(AuthResult.Failure.class);
        assertThat(ops(rotated.token())).isInstanceOf(AuthResult.Success.class);
        assertThat(monitors.list()).singleElement().satisfies(monitor -> {
            assertThat(monitor.name()).isEqualTo("prometheus");
            assertThat(monitor.liveTokens()).isOne();
        });

        monitors.remove("prometheus", "host retired", "cli");

        assertThat(ops(rotated.token())).isInstanceOf(AuthResult.Failure.class);
        assertThat(monitors.list()).isEmpty();
        assertRefused(() -> monitors.remove("prometheus", "again", "cli"), Reason.NOT_FOUND);
        assertRefused(() -> monitors.rotateToken("prometheus", "why", "cli"), Reason.NOT_FOUND);
        assertThat(audit("admin.change")).anySatisfy(event -> assertThat(event).contains("ACCOUNT_CREATED")
                .contains("monitor prometheus"));
        assertThat(audit("admin.change")).anySatisfy(event -> assertThat(event).contains("CREDENTIAL_REVOKED")
                .contains("routine"));
        assertThat(audit("admin.change")).anySatisfy(event -> assertThat(event)
                .contains("prometheus api-token (monitor, replacing 1)"));
        assertThat(audit("admin.change")).anySatisfy(event -> assertThat(event).contains("ACCOUNT_DELETED")
                .contains("monitor prometheus: host retired"));
        assertThat(ops(monitors.add("prometheus", "cli"))).as("a removed monitor's name is free again")
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void aMonitorsLeakedToken_isRevokedLikeAnyLogins() {
        String token = monitors.add("prometheus", "cli");

        test.core().incidents().revocation().revokeToken("prometheus", token, "pasted into a ticket", "cli");

        assertThat(ops(token)).isInstanceOf(AuthResult.Failure.class);
        assertThat(monitors.list()).singleElement().satisfies(monitor -> assertThat(monitor.liveTokens()).isZero());
    }

    @Test
    void monitorsShareTheNamespaceOfLoginNames() {
        test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        test.core().incidents().administrators().add("root", "cli");
        monitors.add("prometheus", "cli");

        assertConflict(() -> monitors.add("prometheus", "cli"), "monitor prometheus already exists");
        assertConflict(() -> monitors.add("root", "cli"), "name root is taken by an administrator");
        assertConflict(() -> monitors.add("maria", "cli"), "name maria is taken by an operator");
        assertConflict(() -> monitors.add("acme-upload", "cli"), "name acme-upload is taken by an account");
        assertConflict(() -> test.core().incidents().administrators().add("prometheus", "cli"),
                "name prometheus is taken by a monitor");
        assertRefused(() -> test.client("acme", "prometheus", Protocol.SFTP), Reason.CONFLICT);
        assertRefused(() -> monitors.add("Prometheus Server", "cli"), Reason.INVALID_REQUEST);
    }

    /** Only a monitor that exists opens the ops check; a token of a kind this version does not know opens nothing. */
    @Test
    void aTokenOfNoMonitor_orOfAnUnknownKind_isRefused() {
        String account = test.client("acme", "acme-upload", Protocol.HTTPS).accountId();
        String ghost = token("monitor", "ghost");
        String unknownKind = token("robot", account);

        assertThat(ops(ghost)).isInstanceOf(AuthResult.Failure.class);
        assertThat(authenticator().byToken(unknownKind, Protocol.HTTPS, SOURCE)).isInstanceOf(AuthResult.Failure.class);
        assertThat(ops(unknownKind)).isInstanceOf(AuthResult.Failure.class);
    }

    /** A valid token in the wrong place is no guess: however often, the defender does not ban its address for it. */
    @Test
    void aMonitorsTokenRefusedByTheFrontEnds_isNotScoredByTheDefender() {
        String token = monitors.add("prometheus", "cli");

        for (int i = 0; i < 40; i++) {
            assertThat(authenticator().byToken(token, Protocol.HTTPS, SOURCE)).isInstanceOf(AuthResult.Failure.class);
        }

        assertThat(authenticator().access().admits(SOURCE, "login")).isTrue();
        assertThat(ops(token)).isInstanceOf(AuthResult.Success.class);
    }

    private Authenticator authenticator() {
        return test.core().authenticator();
    }

    /** As the ops listener asks. */
    private AuthResult ops(String token) {
        return authenticator().withoutDefender().byOpsToken(token, SOURCE);
    }

    /** As the ops listener asks a client on the gateway's host, where administrators' tokens are accepted by default. */
    private AuthResult opsOnTheHost(String token) {
        return authenticator().withoutDefender().byOpsToken(token, "127.0.0.1");
    }

    private String token(String kind, String principalId) {
        String token = ApiTokens.generate(new SecureRandom());
        test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO api_tokens (token_hash, principal_kind, "
                + "principal_id, label, created_at) VALUES (?, ?, ?, 'test', 0)", ApiTokens.hash(token), kind,
                principalId));
        return token;
    }

    private List<String> audit(String kind) {
        return test.database().read(jdbc -> jdbc.query("SELECT actor || ' ' || event FROM audit_events WHERE kind = ? "
                + "ORDER BY seq", row -> row.getString(1), kind));
    }

    private static void assertConflict(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.clientMessage()).isEqualTo(message);
        });
    }

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
