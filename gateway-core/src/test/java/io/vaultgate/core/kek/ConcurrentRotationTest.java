package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
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
 * Two nodes, each with its own copy of the keystore (in step: both hold version 1 of acme's KEK), rotate the same
 * tenant at once. Node A's rotation is held in the middle of its transaction, its version 2 made in its keystore and
 * recorded but not committed, while node B rotates: B must not make a second, different version 2 (whose files A
 * could not read, nor B A's). It waits for A, then is refused as behind ({@code CONFLICT}, {@link
 * KeystoreBehindCatalog}) before its keystore changes. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL (where the tenant's row lock orders the two).
 */
class ConcurrentRotationTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;
    private ClientPrincipal alice;

    @BeforeEach
    void twoNodesWithTheSameKeystore() throws IOException {
        nodeA = TestCore.create(home);
        alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeB = nodeA.secondNode();
    }

    @AfterEach
    void close() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    /**
     * A rotation on node B that read acme's status before node A shredded it: refused under the tenant's lock, no new
     * ENABLED version after the destroyed ones, B's keystore unchanged (review: it recorded version 2 ENABLED).
     */
    @Test
    void aRotationOnNodeBAfterNodeAShreddedTheTenant_isRefused_andRecordsNoVersion() {
        nodeA.core().tenantShredding().shred(ACME, "contract ended", "cli:test");
        KekCatalog catalogOfB = new KekCatalog(nodeB.database(), nodeB.keys(), KekRefusals.unmetered(),
                Clock.systemUTC());

        Throwable thrown = catchThrowable(() -> catalogOfB.rotate("acme"));

        assertThat(thrown).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.getMessage()).contains("was shredded");
        });
        assertThat(nodeB.keys().versions("acme")).as("B's keystore").containsExactly(1);
        assertThat(KekCatalog.recorded(nodeA.database()).get("acme").states()).containsOnlyKeys(1)
                .containsValue(KekVersionState.DESTROYED);
    }

    @Test
    void aRotationOnNodeBWhileNodeARotates_isRefused_andMakesNoSecondVersion2() throws Exception {
        KekCatalog catalogOfA = new KekCatalog(nodeA.database(), nodeA.keys(), KekRefusals.unmetered(),
                Clock.systemUTC());

        Future<KeyRotation.Result> rotationOfB = whileNodeARotates(catalogOfA,
                () -> nodeB.core().keyRotation().rotate(ACME, false));

        Throwable thrown = catchThrowable(() -> rotationOfB.get(30, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                    assertThat(e.clientMessage()).contains("KEK version 2 of tenant acme is active",
                            "this node's keystore has version 1", "copy keys/kek.p12");
                });
        assertThat(nodeA.keys().versions("acme")).containsExactly(1, 2);
        assertThat(nodeB.keys().versions("acme")).as("B's keystore is unchanged").containsExactly(1);
        List<Integer> recorded = nodeA.database().read(jdbc -> jdbc.query("SELECT version FROM kek_versions "
                + "WHERE kek_tenant = 'acme' ORDER BY version", row -> row.getInt(1)));
        assertThat(recorded).containsExactly(1, 2);

        nodeA.upload(alice, "/inbox/new.csv", "wrapped by A's version 2");
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/new.csv")).isEqualTo("wrapped by A's version 2");
        assertThat(nodeB.core().keyRotation().rotate(ACME, false).active()).isEqualTo(new KekId("acme", 3));
    }

    /**
     * Runs {@code action} while node A's rotation holds its transaction open, A's version 2 in its keystore and
     * recorded uncommitted; commits A's once the action waits for it (PostgreSQL) or after a second (SQLite, whose
     * writer's lock the action waits for from its first statement).
     */
    private <T> Future<T> whileNodeARotates(KekCatalog catalogOfA, Callable<T> action) throws Exception {
        if (nodeA.database().dialect() == Dialect.POSTGRESQL) {
            return HeldLocks.whileHeld(nodeA.database(), jdbc -> catalogOfA.rotate(jdbc, "acme"), action);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch commit = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> nodeA.database().inTransaction(jdbc -> {
                catalogOfA.rotate(jdbc, "acme");
                held.countDown();
                try {
                    commit.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            Future<T> result = threads.submit(action);
            Thread.sleep(1000);
            commit.countDown();
            holder.get(30, TimeUnit.SECONDS);
            return result;
        } finally {
            threads.shutdown();
        }
    }


}
