package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a route stops routing new files by it; what it routed before is still processed: its open batch
 * becomes ready for the site's operators, queued forwards stay queued. Only the route's own tenant can remove it.
 */
class RouteRemovalTest {

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal operator;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-up", Protocol.SFTP);
        operator = test.operator("manila", "maria", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aRemovedPullRoute_routesNoNewFile_andItsOpenBatchBecomesReadyForTheSite() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox"), 10, 0, Duration.ZERO);
        upload("/inbox/a.csv");
        upload("/inbox/b.csv");
        assertThat(test.core().batches().available(operator)).as("open, not ready yet").isEmpty();

        test.core().sites().removeRoute(client.tenant(), route.id());
        upload("/inbox/c.csv");

        List<Batch> ready = test.core().batches().available(operator);
        assertThat(ready).singleElement().satisfies(batch -> assertThat(batch.fileCount()).isEqualTo(2));
        assertThat(test.core().batches().byTenant(client.tenant())).as("c.csv started no batch").hasSize(1);
        test.core().batches().claim(operator, ready.get(0).id());
        assertThat(test.core().sites().routes(client.tenant())).isEmpty();
        assertThat(events()).anySatisfy(event -> assertThat(event).contains(route.id() + " removed (was -> manila)"));
    }

    @Test
    void aRemovedPushRoute_queuesNoNewForward_andKeepsTheQueuedOnes() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        Receipt before = upload("/inbox/before.csv");

        test.core().sites().removeRoute(client.tenant(), route.id());
        Receipt after = upload("/inbox/after.csv");

        assertThat(test.core().forwarding().outbox().byFile(before.fileId())).hasSize(1);
        assertThat(test.core().forwarding().outbox().byFile(after.fileId())).isEmpty();
    }

    @Test
    void aPushRouteRemovedWhileACommitRoutesByIt_queuesNoForwardOfThatFile()
            throws Exception {
        assumeTrue(test.database().dialect() == Dialect.POSTGRESQL, "row locks: PostgreSQL only");
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);

        // the removal's change, not yet committed while the upload commits and routes by the route it still sees
        Receipt during = HeldLocks.whileHeld(test.database(), jdbc -> jdbc.update(
                "UPDATE routes SET retired_at = ? WHERE id = ?", System.currentTimeMillis(), route.id()),
                () -> upload("/inbox/during.csv")).get(30, TimeUnit.SECONDS);

        assertThat(test.core().forwarding().outbox().byFile(during.fileId()))
                .as("a forward queued by a route removed before the commit would be left to a removed site").isEmpty();
    }

    @Test
    void anotherTenantsRoute_anUnknownOne_orOneRemovedBefore_isNotFound_andStaysAsItWas() {
        ClientPrincipal stranger = test.client("globex", "globex-up", Protocol.SFTP);
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);

        assertNotFound(() -> test.core().sites().removeRoute(stranger.tenant(), route.id()));
        assertNotFound(() -> test.core().sites().removeRoute(client.tenant(), "rt_nonexistent"));
        assertThat(test.core().sites().routes(client.tenant())).extracting(Route::id).containsExactly(route.id());

        test.core().sites().removeRoute(client.tenant(), route.id());
        assertNotFound(() -> test.core().sites().removeRoute(client.tenant(), route.id()));
    }

    private static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    private Receipt upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            return upload.commit();
        }
    }

    private List<String> events() {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = 'admin.change' "
                + "ORDER BY seq", row -> row.getString(1)));
    }
}
