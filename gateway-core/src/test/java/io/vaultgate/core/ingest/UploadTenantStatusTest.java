package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload to a tenant that another node locks down or shreds while the upload is open is never committed: the
 * upload's row is inserted, and the file published, under the tenant's row lock with its status read there, so
 * that the lockdown's or shred's status change orders them (a shred's purge, which follows it, finds any row
 * inserted before). Two cores on one catalog and store, as two nodes ({@link TwoNodes}); node A's key provider
 * runs the other node's change right after it wrapped the new file's data key, which is between the status read
 * when the upload opens and the insert of its row. Runs on SQLite and, in the {@code postgresql} execution, on
 * PostgreSQL.
 */
class UploadTenantStatusTest {

    @TempDir
    Path home;
    private TwoNodes<HookedKeys> nodes;

    @BeforeEach
    void setUp() {
        nodes = TwoNodes.start(home, HookedKeys::new);
    }

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aLockdownOnAnotherNodeWhileTheUploadStreams_refusesItsCommit() {
        Upload upload = nodes.nodeA.core().ingest().open(nodes.alice, TwoNodes.REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(new byte[1000]));
        lockdown();

        assertRefused(upload::commit);
        upload.close();
        assertNothingCommitted();
        assertThat(auditCount("upload.aborted")).isEqualTo(1);
    }

    @Test
    void aShredOnAnotherNodeWhileTheUploadStreams_refusesItsCommit() {
        Upload upload = nodes.nodeA.core().ingest().open(nodes.alice, TwoNodes.REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(new byte[1000]));
        shred();

        assertRefused(upload::commit);
        upload.close();
        assertNothingCommitted();
        assertThat(nodes.rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    @Test
    void aLockdownBetweenTheStatusReadAndTheInsert_refusesTheUpload() {
        nodes.keysA.afterWrap = this::lockdown;

        assertRefused(nodes::uploadOnNodeA);
        assertNothingCommitted();
        assertThat(nodes.rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    @Test
    void aShredBetweenTheStatusReadAndTheInsert_refusesTheUpload() {
        nodes.keysA.afterWrap = this::shred;

        assertRefused(nodes::uploadOnNodeA);
        assertNothingCommitted();
        assertThat(nodes.rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    private void lockdown() {
        nodes.nodeB.core().incidents().lockdown().lockdown(TwoNodes.ACME, "incident", "admin");
    }

    private void shred() {
        nodes.nodeB.core().tenantShredding().shred(TwoNodes.ACME, "contract ended", "admin");
    }

    private static void assertRefused(ThrowingCallable commit) {
        assertThatThrownBy(commit).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.TENANT_LOCKED));
    }

    /** No committed file of the tenant, no receipt, no upload.committed event. */
    private void assertNothingCommitted() {
        assertThat(nodes.rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme' AND state = 'COMMITTED'")).isZero();
        assertThat(nodes.rows("SELECT COUNT(*) FROM receipts WHERE tenant_id = 'acme'")).isZero();
        assertThat(auditCount("upload.committed")).isZero();
    }

    private long auditCount(String kind) {
        return nodes.rows("SELECT COUNT(*) FROM audit_events WHERE kind = '" + kind + "'");
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
