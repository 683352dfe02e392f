package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KeyProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Two cores on one catalog, object store and keystore file, as two nodes of a scale-out, for the ingest tests that
 * need another node to act while an upload runs on this one: node B, made first, with tenant {@code acme} and its
 * SFTP client {@code alice}; node A, whose key provider is the test's wrapper around the shared keystore (a hook or
 * a fault on node A only). On SQLite and, in the {@code postgresql} execution, on PostgreSQL.
 *
 * @param <K> the test's key provider of node A
 */
final class TwoNodes<K extends KeyProvider> implements AutoCloseable {

    static final TenantId ACME = TenantId.of("acme");
    static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    final TestCore nodeA;
    final TestCore nodeB;
    /** Node A's key provider, as {@code keysOfA} made it. */
    final K keysA;
    final ClientPrincipal alice;

    private TwoNodes(TestCore nodeA, TestCore nodeB, K keysA, ClientPrincipal alice) {
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.keysA = keysA;
        this.alice = alice;
    }

    /** Node B over {@code home}, then node A sharing it with {@code keysOfA} around the keystore's key provider. */
    static <K extends KeyProvider> TwoNodes<K> start(Path home, Function<KeyProvider, K> keysOfA) {
        TestCore nodeB = TestCore.create(home, settings("node-b"));
        try {
            ClientPrincipal alice = nodeB.client("acme", "alice", Protocol.SFTP);
            AtomicReference<K> keysA = new AtomicReference<>();
            TestCore nodeA = TestCore.sharing(home, keys -> {
                keysA.set(keysOfA.apply(keys));
                return keysA.get();
            }, settings("node-a"));
            return new TwoNodes<>(nodeA, nodeB, keysA.get(), alice);
        } catch (RuntimeException e) {
            nodeB.close();
            throw e;
        }
    }

    /** A new upload of 1000 bytes to {@link #REPORT} on node A, committed. */
    void uploadOnNodeA() {
        try (Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[1000]));
            upload.commit();
        }
    }

    /** Rows counted by {@code sql} in the shared catalog. */
    long rows(String sql) {
        return nodeB.database().read(jdbc -> jdbc.count(sql));
    }

    @Override
    public void close() {
        try {
            nodeA.close();
        } finally {
            nodeB.close();
        }
    }

    private static GatewayCore.Settings settings(String node) {
        return new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of(node));
    }
}
