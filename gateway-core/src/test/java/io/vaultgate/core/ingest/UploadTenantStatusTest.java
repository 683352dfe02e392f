package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload to a tenant that another node locks down or shreds while the upload is open is never committed: the
 * upload's row is inserted, and the file published, under the tenant's row lock with its status read there, so
 * that the lockdown's or shred's status change orders them (a shred's purge, which follows it, finds any row
 * inserted before). Two cores on one catalog and store, as two nodes; node A's key provider runs the other node's
 * change right after it wrapped the new file's data key, which is between the status read when the upload opens
 * and the insert of its row. Runs on SQLite and, in the {@code postgresql} execution, on PostgreSQL.
 */
class UploadTenantStatusTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private TestCore nodeB;
    private HookedKeys keysA;
    private TestCore nodeA;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() throws Exception {
        nodeB = TestCore.create(home, settings("node-b"));
        alice = nodeB.client("acme", "alice", Protocol.SFTP);
        nodeA = TestCore.sharing(home, keys -> keysA = new HookedKeys(keys), settings("node-a"));
    }

    @AfterEach
    void tearDown() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    @Test
    void aLockdownOnAnotherNodeWhileTheUploadStreams_refusesItsCommit() {
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(new byte[1000]));
        lockdown();

        assertRefused(upload::commit);
        upload.close();
        assertNothingCommitted();
        assertThat(auditCount("upload.aborted")).isEqualTo(1);
    }

    @Test
    void aShredOnAnotherNodeWhileTheUploadStreams_refusesItsCommit() {
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(new byte[1000]));
        shred();

        assertRefused(upload::commit);
        upload.close();
        assertNothingCommitted();
        assertThat(rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    @Test
    void aLockdownBetweenTheStatusReadAndTheInsert_refusesTheUpload() {
        keysA.afterWrap = this::lockdown;

        assertRefused(this::uploadOnNodeA);
        assertNothingCommitted();
        assertThat(rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    @Test
    void aShredBetweenTheStatusReadAndTheInsert_refusesTheUpload() {
        keysA.afterWrap = this::shred;

        assertRefused(this::uploadOnNodeA);
        assertNothingCommitted();
        assertThat(rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    private void uploadOnNodeA() {
        try (Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[1000]));
            upload.commit();
        }
    }

    private void lockdown() {
        nodeB.core().incidents().lockdown().lockdown(ACME, "incident", "admin");
    }

    private void shred() {
        nodeB.core().tenantShredding().shred(ACME, "contract ended", "admin");
    }

    private static void assertRefused(ThrowingCallable commit) {
        assertThatThrownBy(commit).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.TENANT_LOCKED));
    }

    /** No committed file of the tenant, no receipt, no upload.committed event. */
    private void assertNothingCommitted() {
        assertThat(rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme' AND state = 'COMMITTED'")).isZero();
        assertThat(rows("SELECT COUNT(*) FROM receipts WHERE tenant_id = 'acme'")).isZero();
        assertThat(auditCount("upload.committed")).isZero();
    }

    private long auditCount(String kind) {
        return rows("SELECT COUNT(*) FROM audit_events WHERE kind = '" + kind + "'");
    }

    private long rows(String sql) {
        return nodeB.database().read(jdbc -> jdbc.count(sql));
    }

    private static GatewayCore.Settings settings(String node) {
        return new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of(node));
    }

    /** A key provider that runs {@link #afterWrap} once, right after it wrapped a data key. */
    private static final class HookedKeys extends DelegatingKeyProvider {
        Runnable afterWrap = () -> { };

        HookedKeys(KeyProvider keys) {
            super(keys);
        }

        @Override
        public KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
            KeySlot slot = super.wrap(ctx, dek);
            Runnable hook = afterWrap;
            afterWrap = () -> { };
            hook.run();
            return slot;
        }
    }
}
