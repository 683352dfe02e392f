package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (two threads, each node with its own pool and keystore) create the same tenant at once: one creates it,
 * the other is refused as existing ({@code CONFLICT}, what the admin API answers 409 and the CLI prints), never an SQL
 * error; the refused node makes no key. On PostgreSQL the second's insert of the tenant's row waits for the first's
 * transaction (the row's unique key) and then learns of it; on SQLite the second's transaction waits for the first's
 * and finds the tenant. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on one PostgreSQL
 * database.
 */
class ConcurrentTenantCreationTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;
    private TestCore heldA;
    private final CountDownLatch keyMade = new CountDownLatch(1);
    private final CountDownLatch commit = new CountDownLatch(1);

    @BeforeEach
    void twoNodesWithTheirOwnKeystores() {
        nodeA = TestCore.create(home);
        nodeB = nodeA.secondNode();
        // node A again (its keystore file, the catalog), whose creation waits after making the tenant's key, its
        // transaction open with the tenant's row inserted
        heldA = TestCore.sharing(home, keys -> new WaitsAfterMakingTheKey(keys, keyMade, commit),
                new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of("node-a-held")));
    }

    @AfterEach
    void close() {
        commit.countDown();
        for (TestCore node : new TestCore[] {heldA, nodeB, nodeA}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void aCreationOnNodeBWhileNodeACreatesTheSameTenant_isRefusedAsExisting_andMakesNoKey() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Tenant> onA = threads.submit(() -> heldA.core().administration().createTenant(ACME, "Acme", false));
            assertThat(keyMade.await(30, TimeUnit.SECONDS)).as("A's creation holds its transaction").isTrue();
            Future<Tenant> onB = threads.submit(() -> nodeB.core().administration().createTenant(ACME, "Acme B",
                    false));
            HeldLocks.untilWaiting(nodeA.database(), onB); // B's creation runs into A's transaction
            commit.countDown();

            assertThat(onA.get(30, TimeUnit.SECONDS).name()).isEqualTo("Acme");
            Throwable refused = catchThrowable(() -> onB.get(30, TimeUnit.SECONDS));
            assertThat(refused).isInstanceOf(ExecutionException.class);
            assertThat(refused.getCause()).isInstanceOfSatisfying(GatewayException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                assertThat(e.clientMessage()).isEqualTo("tenant acme already exists");
            });
        } finally {
            threads.shutdownNow();
        }
        assertThat(nodeB.keys().versions("acme")).as("B made no key").isEmpty();
        assertThat(nodeA.keys().versions("acme")).containsExactly(1);
        assertThat(nodeA.core().administration().tenant(ACME).orElseThrow().name()).isEqualTo("Acme");
        long checked = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM kek_versions WHERE kek_tenant = "
                + "'acme' AND kek_check IS NOT NULL"));
        assertThat(checked).as("A's version 1, with its check").isEqualTo(1L);
        long created = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE event LIKE "
                + "'%TENANT_CREATED%'"));
        assertThat(created).isEqualTo(1L);
    }

    /** Unheld races, as two nodes' commands would run them: each ends with one creation and one refusal. */
    @Test
    void twoNodesCreatingOneTenantAtOnce_oneSucceeds_theOtherIsRefusedAsExisting() throws Exception {
        for (int round = 0; round < 8; round++) {
            TenantId id = TenantId.of("race-" + round);
            Race.Outcome outcome = Race.run(() -> nodeA.core().administration().createTenant(id, "A", false),
                    () -> nodeB.core().administration().createTenant(id, "B", false));

            assertThat(outcome.exactlyOne()).as("round %d: %s", round, outcome).isTrue();
            int keys = nodeA.keys().versions(id.value()).size() + nodeB.keys().versions(id.value()).size();
            assertThat(keys).as("one node made a key").isEqualTo(1);
        }
    }

    /** A key provider whose tenant creation waits, once its key is made, until the test lets it commit. */
    private static final class WaitsAfterMakingTheKey extends DelegatingKeyProvider {

        private final CountDownLatch made;
        private final CountDownLatch commit;

        WaitsAfterMakingTheKey(KeyProvider keys, CountDownLatch made, CountDownLatch commit) {
            super(keys);
            this.made = made;
            this.commit = commit;
        }

        @Override
        public KekId ensureTenant(String tenantId) {
            KekId made = super.ensureTenant(tenantId);
            this.made.countDown();
            try {
                commit.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return made;
        }
    }
}
