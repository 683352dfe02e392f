package io.vaultgate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator of a site a tenant routes to reads and acknowledges the tenant's data-handling policy only while the
 * tenant is active: a locked or shredded tenant is not found, as an unknown tenant is, and nothing is recorded.
 */
class OperatorPolicyTenantStatusTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore test;
    private Policies policies;
    private OperatorPrincipal maria;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        policies = test.core().policies();
        test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 100, 0,
                Duration.ofMinutes(10));
        policies.publish(ACME, "Acme confidential handling rules v1");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void policyOfAShreddedTenant_isNotFoundForItsOperators_likeAnUnknownTenant() {
        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

        assertRefusedLikeAnUnknownTenant();
    }

    @Test
    void policyOfALockedTenant_isNotFoundForItsOperators_untilTheUnlock() {
        test.core().incidents().lockdown().lockdown(ACME, "incident", "cli:test");

        assertRefusedLikeAnUnknownTenant();

        test.core().incidents().lockdown().unlock(ACME, "resolved", "cli:test");
        assertThat(policies.current(maria, ACME)).get().extracting(DataPolicy::version).isEqualTo(1);
        assertThat(policies.acknowledge(maria, ACME, OptionalInt.of(1)).version()).isEqualTo(1);
    }

    private void assertRefusedLikeAnUnknownTenant() {
        TenantId unknown = TenantId.of("nobody");
        assertSameNotFound(id -> policies.current(maria, id), unknown);
        assertSameNotFound(id -> policies.acknowledge(maria, id, OptionalInt.empty()), unknown);
        assertSameNotFound(id -> policies.acknowledge(maria, id, OptionalInt.of(1)), unknown);
        assertThat(policies.acknowledgements(ACME)).as("nothing acknowledged").isEmpty();
    }

    private static void assertSameNotFound(Consumer<TenantId> call, TenantId unknown) {
        GatewayException refused = refusal(() -> call.accept(ACME));
        GatewayException unknownRefused = refusal(() -> call.accept(unknown));
        assertThat(refused.reason()).isEqualTo(Reason.NOT_FOUND).isEqualTo(unknownRefused.reason());
        assertThat(refused.clientMessage()).isEqualTo("tenant acme: not found")
                .isEqualTo(unknownRefused.clientMessage().replace("nobody", "acme"));
    }

    private static GatewayException refusal(Runnable call) {
        GatewayException[] caught = new GatewayException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(GatewayException.class, e -> caught[0] = e);
        return caught[0];
    }
}
