package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shredded tenant's routes are removed with it (review34 L1): its batches, emptied by the purge, end EMPTIED at once,
 * none stays OPEN for ever (idle-close skips empty batches and no file can join), and its site can be removed without
 * {@code --abandon-work}, which an open batch and an active route of the shredded tenant used to refuse.
 */
class ShreddedTenantRoutesTest {

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 2, 0,
                Duration.ofMinutes(10));
        for (String name : new String[] {"a", "b", "c"}) {
            test.upload(client, "/inbox/" + name + ".csv", name);
        }
        assertThat(test.core().batches().byTenant(client.tenant())).extracting(Batch::state)
                .containsExactlyInAnyOrder(BatchState.READY, BatchState.OPEN);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void shred_removesTheTenantsRoutes_andEndsItsEmptiedBatches_atOnce() {
        test.core().tenantShredding().shred(client.tenant(), "contract ended", "cli:test");

        assertThat(test.core().sites().routes(client.tenant())).isEmpty();
        assertThat(test.core().batches().byTenant(client.tenant())).extracting(Batch::state)
                .containsOnly(BatchState.EMPTIED);
    }

    @Test
    void afterTheShred_theSiteIsRemovedWithoutAbandoningWork() {
        test.core().tenantShredding().shred(client.tenant(), "contract ended", "cli:test");

        test.core().incidents().siteRemoval().removeSite("manila", "contract ended", "cli:test");

        assertThat(test.core().sites().site("manila")).isEmpty();
    }

    @Test
    void aShredRunAgain_findsNoRouteLeft_andFinishes() {
        test.core().tenantShredding().shred(client.tenant(), "contract ended", "cli:test");
        test.core().tenantShredding().shred(client.tenant(), "contract ended", "cli:test");

        assertThat(test.core().sites().routes(client.tenant())).isEmpty();
    }
}
