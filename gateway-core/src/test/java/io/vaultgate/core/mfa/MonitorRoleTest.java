package io.vaultgate.core.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.MonitorPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor has no MFA role: {@link Role#of} and the session tokens of {@link Mfa} name every kind of principal and
 * refuse a monitor, where they answered with the operators' policy and secrets (Role.of's default) or a
 * ClassCastException (the token grant's cast to an administrator).
 */
class MonitorRoleTest {

    private static final MonitorPrincipal PROMETHEUS = new MonitorPrincipal("prometheus");

    @TempDir
    Path home;

    @Test
    void everyKindOfPrincipal_hasItsRole_andAMonitorNone() {
        assertThat(Role.of(new ClientPrincipal("a_1", "alice", TenantId.of("acme"), Protocol.HTTPS)))
                .isEqualTo(Role.CLIENT);
        assertThat(Role.of(new OperatorPrincipal("o_1", "maria", "manila", Protocol.SFTP))).isEqualTo(Role.OPERATOR);
        assertThat(Role.of(new AdminPrincipal("admin"))).isEqualTo(Role.ADMIN);

        assertThatThrownBy(() -> Role.of(PROMETHEUS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("monitor prometheus has no MFA role: a monitor's token opens the ops listener only, "
                        + "without a second factor, and gets no session token");
    }

    @Test
    void mfa_refusesEveryQuestionAboutAMonitor_andStoresNoSessionTokenForIt() {
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR)))))) {
            Mfa mfa = test.core().incidents().mfa();

            assertThatThrownBy(() -> mfa.required(PROMETHEUS)).as("not the operators' policy")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no MFA role");
            assertThatThrownBy(() -> mfa.enrolled(PROMETHEUS)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> mfa.verify(PROMETHEUS, "123456")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> mfa.issueSessionToken(PROMETHEUS)).as("no ClassCastException")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no session token");

            assertThat(test.database().<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM api_tokens WHERE label = ?",
                    Mfa.SESSION_TOKEN_LABEL))).isZero();
        }
    }
}
