package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator completes a batch it holds only while the batch's tenant is active, as it claims one. */
class BatchCompletionTenantStatusTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore test;
    private OperatorPrincipal maria;
    private Batch batch;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 100, 0,
                Duration.ofMinutes(10));
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/a.ready", "");
        batch = test.core().batches().claim(maria, test.core().batches().available(maria).get(0).id());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void completionOfABatchOfALockedTenant_isRefusedAsTenantLocked_andAllowedAfterTheUnlock() {
        test.core().incidents().lockdown().lockdown(ACME, "incident", "cli:test");

        assertThatThrownBy(() -> test.core().batches().complete(maria, batch.id()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED);
                    assertThat(e.clientMessage()).isEqualTo("batch " + batch.id() + ": the tenant is locked");
                });
        assertThat(state()).as("the batch stays where the lockdown paused it").isEqualTo(BatchState.CLAIMED);

        test.core().incidents().lockdown().unlock(ACME, "resolved", "cli:test");
        assertThat(test.core().batches().complete(maria, batch.id()).state()).isEqualTo(BatchState.COMPLETED);
    }

    @Test
    void completionOfABatchOfAShreddedTenant_isRefusedAsTenantLocked() {
        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

        assertThatThrownBy(() -> test.core().batches().complete(maria, batch.id()))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
        assertThat(state()).isNotEqualTo(BatchState.COMPLETED);
    }

    private BatchState state() {
        return test.core().batches().byTenant(ACME).get(0).state();
    }
}
