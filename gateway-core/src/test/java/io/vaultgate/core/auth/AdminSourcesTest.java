package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.metrics.TenantLabels;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator's token is accepted only from {@code access.admin-sources} (loopback by default), wherever it is
 * presented: a login by token (the HTTPS admin API), the token exchange with a TOTP code, the ops listener. From any
 * other source it is refused under the administrator's name as {@link AuthFailure#SOURCE_NOT_ALLOWED}, audited and
 * counted; a monitor's and a client's tokens are not limited by it (review33 M1).
 */
class AdminSourcesTest {

    private static final String OUTSIDE = "203.0.113.9";

    @TempDir
    Path home;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;
    private String admin;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        admin = test.core().incidents().administrators().add("root", "cli");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void byDefault_anAdminToken_worksFromLoopback_andIsRefusedFromElsewhere_audited_andCounted() {
        Authenticator auth = test.core().authenticator();
        for (String loopback : List.of("127.0.0.1", "127.0.0.53", "::1", "0:0:0:0:0:0:0:1")) {
            assertThat(auth.byToken(admin, Protocol.HTTPS, loopback)).as(loopback)
                    .isInstanceOf(AuthResult.Success.class);
        }

        AuthResult.Failure refused = new AuthResult.Failure("root", AuthFailure.SOURCE_NOT_ALLOWED);
        assertThat(auth.byToken(admin, Protocol.HTTPS, OUTSIDE)).isEqualTo(refused);
        assertThat(auth.withoutDefender().byOpsToken(admin, OUTSIDE)).as("the ops listener").isEqualTo(refused);
        assertThat(auth.byTokenAndTotp(admin, "123456", Protocol.HTTPS, OUTSIDE)).as("the token exchange")
                .isEqualTo(refused);
        for (String unusable : List.of("", "unknown", "fe80::1%lo", "127.0.0.1.example")) {
            assertThat(auth.withoutDefender().byToken(admin, Protocol.HTTPS, unusable))
                    .as("fails closed: %s", unusable).isEqualTo(refused);
        }

        assertThat(audit()).anySatisfy(event -> assertThat(event).contains("root", OUTSIDE, "SOURCE_NOT_ALLOWED"));
        assertThat(registry.get("vaultgate.auth.failures").tags("protocol", "https", "reason", "source_not_allowed")
                .counter().count()).isEqualTo(7);
    }

    @Test
    void aMonitorsAndAClientsTokens_areNotLimitedByIt() {
        String monitor = test.core().incidents().monitors().add("prometheus", "cli");
        test.client("acme", "acme-up", Protocol.HTTPS);
        String client = test.core().administration().issueAccountToken("acme-up", "test");

        assertThat(test.core().authenticator().withoutDefender().byOpsToken(monitor, OUTSIDE))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(test.core().authenticator().byToken(client, Protocol.HTTPS, OUTSIDE))
                .isInstanceOf(AuthResult.Success.class);
    }

    /** The core's authenticator over the configured networks, as {@code GatewayCore} builds it from the settings. */
    @Test
    void configuredNetworks_replaceTheDefault() {
        Authenticator auth = catalogAuthenticator(new AdminSources(List.of(Cidr.parse("203.0.113.0/24"),
                Cidr.parse("2001:db8:7::/48"))));

        assertThat(auth.byToken(admin, Protocol.HTTPS, OUTSIDE)).isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byToken(admin, Protocol.HTTPS, "2001:db8:7::42")).isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byToken(admin, Protocol.HTTPS, "127.0.0.1")).as("loopback is not listed")
                .isEqualTo(new AuthResult.Failure("root", AuthFailure.SOURCE_NOT_ALLOWED));
        assertThat(auth.byToken(admin, Protocol.HTTPS, "203.0.114.9"))
                .isEqualTo(new AuthResult.Failure("root", AuthFailure.SOURCE_NOT_ALLOWED));
    }

    @Test
    void aWrongToken_fromOutside_isStillABadCredential_notNamedForAnyone() {
        assertThat(test.core().authenticator().byToken("vg_not-a-token", Protocol.HTTPS, OUTSIDE))
                .isEqualTo(new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL));
    }

    @Test
    void noNetworkAtAll_isRefused_andLoopbackIsNotBeyondLoopback() {
        assertThatThrownBy(() -> new AdminSources(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access.admin-sources").hasMessageContaining("0.0.0.0/0, ::/0");
        assertThat(AdminSources.LOOPBACK.beyondLoopback()).isFalse();
        assertThat(new AdminSources(List.of(Cidr.parse("127.0.0.1/32"))).beyondLoopback()).isFalse();
        assertThat(new AdminSources(List.of(Cidr.parse("0.0.0.0/0"))).beyondLoopback()).isTrue();
        assertThat(new AdminSources(List.of(Cidr.parse("127.0.0.1"), Cidr.parse("10.0.0.0/8"))).beyondLoopback())
                .isTrue();
        assertThat(AccessPolicy.defaults().adminSources()).isEqualTo(AdminSources.LOOPBACK);
    }

    private Authenticator catalogAuthenticator(AdminSources sources) {
        return new CatalogAuthenticator(test.database(), new TenantRepository(), new AccountRepository(),
                new OperatorRepository(), new TokenRepository(), new PasswordHasher(new SecureRandom()),
                Clock.systemUTC(), Optional.empty(), Optional.empty(), sources);
    }

    private List<String> audit() {
        return test.database().read(jdbc -> jdbc.query("SELECT actor || ' ' || event FROM audit_events WHERE kind = ? "
                + "ORDER BY seq", row -> row.getString(1), "auth.failed"));
    }
}
