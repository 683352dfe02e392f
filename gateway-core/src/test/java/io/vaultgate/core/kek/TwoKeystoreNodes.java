package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Two nodes over one catalog and one store, each with its own keystore copy: node A, where tenant acme (its client
 * alice) and any further tenants were created, and node B, whose keystore is a copy of A's made then ({@link #start})
 * or made before acme existed ({@link #copiedBeforeAcme}: B holds no key of acme). The tests extend
 * {@link TwoKeystoreNodesSetUp} ({@link KeystoreCopiedBeforeAcme} for the latter), which starts the nodes before each
 * test and closes them after it. What the tests of the KEK record
 * across nodes start from ({@link RotationCrashWindowTest}, {@link KekStartupCheckTest}, {@link
 * KeyCheckOncePerHandleTest}, {@link KekStartOlderCheckTest}, {@link CompletionSampleTest}, {@link
 * UnrecordedTenantProofTest}); on SQLite or, with {@code -Dvaultgate.test.catalog=postgresql}, both nodes on one
 * PostgreSQL database. Closes both.
 */
final class TwoKeystoreNodes implements AutoCloseable {

    final TestCore nodeA;
    final TestCore nodeB;
    /** acme's SFTP client. */
    final ClientPrincipal alice;

    private TwoKeystoreNodes(TestCore nodeA, TestCore nodeB, ClientPrincipal alice) {
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.alice = alice;
    }

    /**
     * @param beforeTheCopy what node A does before node B gets its keystore copy, after acme was made (more tenants)
     */
    static TwoKeystoreNodes start(Path home, Consumer<TestCore> beforeTheCopy) {
        TestCore nodeA = TestCore.create(home);
        try {
            ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
            beforeTheCopy.accept(nodeA);
            return new TwoKeystoreNodes(nodeA, nodeA.secondNode(), alice);
        } catch (RuntimeException e) {
            nodeA.close();
            throw e;
        }
    }

    static TwoKeystoreNodes start(Path home) {
        return start(home, nodeA -> { });
    }

    /**
     * Node A with tenant other (its client olga) made first, so that A's keystore exists when node B copies it, then
     * acme: B's keystore holds no key of acme.
     */
    static TwoKeystoreNodes copiedBeforeAcme(Path home) {
        TestCore nodeA = TestCore.create(home);
        TestCore nodeB = null;
        try {
            nodeA.client("other", "olga", Protocol.SFTP); // A's keystore exists before B copies it, without acme
            nodeB = nodeA.secondNode();
            return new TwoKeystoreNodes(nodeA, nodeB, nodeA.client("acme", "alice", Protocol.SFTP));
        } catch (RuntimeException e) {
            try {
                if (nodeB != null) {
                    nodeB.close();
                }
            } finally {
                nodeA.close();
            }
            throw e;
        }
    }

    /**
     * Node A's rotation of acme writes A's keystore (its version 2), then its transaction fails: what a failed commit,
     * or a node stopping before it, leaves; the catalog records nothing of it.
     */
    void rotationOfACommitFails() {
        KekCatalog catalogOfA = new KekCatalog(nodeA.database(), nodeA.keys(), KekRefusals.unmetered(),
                Clock.systemUTC());
        Throwable thrown = catchThrowable(() -> nodeA.database().inTransaction(jdbc -> {
            catalogOfA.rotate(jdbc, "acme");
            throw new SQLException("injected: the commit fails");
        }));
        assertThat(thrown).hasStackTraceContaining("injected: the commit fails");
        assertThat(nodeA.keys().versions("acme")).as("A's keystore was written").containsExactly(1, 2);
        assertThat(recorded()).as("the catalog records nothing of it").containsExactly(1);
    }

    /** What a gateway before V24 (or before the creation's one transaction) left: no KEK version of acme recorded. */
    void forgetRecordedVersions() {
        nodeA.database().inTransaction(jdbc -> jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = 'acme'"));
    }

    /** acme's versions the catalog records. */
    List<Integer> recorded() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT version FROM kek_versions WHERE kek_tenant = 'acme' "
                + "ORDER BY version", row -> row.getInt(1)));
    }

    /** acme's versions the catalog records with a key check. */
    List<Integer> checked() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT version FROM kek_versions WHERE kek_tenant = 'acme' "
                + "AND kek_check IS NOT NULL ORDER BY version", row -> row.getInt(1)));
    }

    /** {@code vaultgate_kek_refusals_total{reason}} of {@code node}. */
    static double refusals(TestCore node, String reason) {
        return node.core().metrics().registry().get(KekRefusals.METER).tag("reason", reason).counter().count();
    }

    @Override
    public void close() {
        try {
            nodeB.close();
        } finally {
            nodeA.close();
        }
    }
}
