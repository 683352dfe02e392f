package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.DelegatingObjectStore;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review23a: a passing failure while an interrupted upload is recovered (the key provider or the store unavailable
 * for a moment) keeps its row and object; a later pass (the maintenance retry, a restart, or the node that took a
 * dead node's upload over) makes it resumable once the fault is gone. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class RecoveryTransientFailureTest {
    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.bin");
    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);
    private static final String NODE = "node-recovering";

    @TempDir
    Path home;
    private final AtomicBoolean keysDown = new AtomicBoolean();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final MutableClock clock = new MutableClock(Instant.now());

    /**
     * A node that writes 12 MiB of an upload and dies; returns its node id. 12 MiB: on the S3 store (the PostgreSQL
     * run) whole 5 MiB parts of it were sent, which is what an interrupted S3 upload keeps; 3 MiB left nothing there.
     */
    private String aNodeDiesWhileStreamingAnUpload() {
        byte[] data = new byte[12 << 20];
        new Random(1).nextBytes(data);
        try (TestCore node = TestCore.create(home, SETTINGS)) {
            ClientPrincipal alice = node.client("acme", "alice", Protocol.SFTP);
            Upload upload = node.core().ingest().open(alice, REPORT, UploadMode.CREATE);
            for (int at = 0; at < data.length; at += 1 << 20) { // in pieces a client sends, inside the reorder window
                upload.write(at, ByteBuffer.wrap(data, at, 1 << 20));
            } // never ended: the node dies
            return node.database().read(jdbc -> jdbc.queryOne("SELECT node_id FROM files WHERE path = ?",
                    row -> row.getString(1), REPORT.toString())).orElseThrow();
        }
    }

    /** A gateway node {@link #NODE} over the same home whose key provider and store fail while told to. */
    private final class Node implements AutoCloseable {
        final Database database = TestCatalog.open(home);
        final KeystoreKeyProvider keystore;
        final GatewayCore core;

        Node() throws IOException {
            keystore = KeystoreKeyProvider.open(home.resolve("kek.p12"), MasterSecret.fromBytes(
                    "test master secret, not for production".getBytes(StandardCharsets.UTF_8)));
            DelegatingKeyProvider keys = new DelegatingKeyProvider(keystore) {
                @Override
                public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
                    if (keysDown.get()) {
                        throw new CryptoException.ProviderUnavailable("HSM token not reachable (simulated)");
                    }
                    return super.unwrap(ctx, slot);
                }
            };
            DelegatingObjectStore store = new DelegatingObjectStore(TestStore.open(home, clock)) {
                @Override
                public PendingObject reopen(TenantId tenant, ObjectId id) throws IOException {
                    if (storeDown.get()) {
                        throw new IOException("503 Slow Down (simulated)");
                    }
                    return super.reopen(tenant, id);
                }
            };
            SecureRandom random = new SecureRandom();
            GatewayCore.Settings settings = new GatewayCore.Settings(SETTINGS.partialExpiry(),
                    SETTINGS.reorderWindowSegments(), Duration.ofHours(1), CheckpointPolicy.defaults(),
                    AccessPolicy.defaults(), NodeSettings.of(NODE));
            core = GatewayCore.assemble(database, store, keys,
                    AuditKeys.loadOrCreate(home.resolve("audit-signing.key"), random), settings, random, clock);
        }

        Recovery recovery() {
            return core.recovery();
        }

        String state() {
            return database.read(jdbc -> jdbc.queryOne("SELECT state, node_id FROM files WHERE path = ?",
                    row -> row.getString(1) + " " + row.getString(2), REPORT.toString())).orElse("none");
        }

        long size() {
            return database.read(jdbc -> jdbc.count("SELECT size FROM files WHERE path = ?", REPORT.toString()));
        }

        long aborted() {
            return database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.aborted'"));
        }

        @Override
        public void close() throws IOException {
            keystore.close();
            database.close();
        }
    }

    @Test
    void control_withoutAFault_theInterruptedUploadBecomesResumable() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            assertThat(node.recovery().run().resumable()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(node.size()).isPositive();
            assertThat(node.recovery().deferredCount()).isZero();
        }
    }

    @Test
    void keyProviderUnavailableAtStart_keepsTheUpload_andTheMaintenanceRetryRecoversIt() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            keysDown.set(true);
            assertThat(node.recovery().run().resumable()).isZero();
            assertThat(node.state()).as("left live on this node for a later pass").isEqualTo("UPLOADING " + NODE);
            assertThat(node.aborted()).isZero();
            assertThat(node.recovery().deferredCount()).isEqualTo(1);

            keysDown.set(false);
            assertThat(node.recovery().retryDeferred()).as("before its back-off is over").isZero();
            clock.advance(Recovery.FIRST_RETRY);
            assertThat(node.recovery().retryDeferred()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(node.size()).isPositive();
            assertThat(node.recovery().deferredCount()).isZero();
        }
    }

    @Test
    void storeFailingAtStart_keepsTheUpload_andARestartRecoversIt() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            storeDown.set(true);
            assertThat(node.recovery().run().resumable()).isZero();
            assertThat(node.state()).isEqualTo("UPLOADING " + NODE);
            assertThat(node.aborted()).isZero();
            clock.advance(Recovery.FIRST_RETRY);
            assertThat(node.recovery().retryDeferred()).as("still failing: tried again later").isZero();
            assertThat(node.state()).isEqualTo("UPLOADING " + NODE);
        }
        storeDown.set(false);
        try (Node restarted = new Node()) {
            assertThat(restarted.recovery().run().resumable()).isEqualTo(1);
            assertThat(restarted.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(restarted.size()).isPositive();
            assertThat(restarted.aborted()).isZero();
        }
    }

    @Test
    void aDeadNodesUploadTakenOverDuringAnOutage_isRetriedByTheNodeThatTookIt() throws IOException {
        String dead = aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            keysDown.set(true);
            assertThat(node.recovery().recoverUploadsOf(dead)).isZero();
            assertThat(node.state()).as("taken over, kept").isEqualTo("UPLOADING " + NODE);
            assertThat(node.aborted()).isZero();
            assertThat(node.recovery().recoverUploadsOf(dead)).as("no longer the dead node's").isZero();

            keysDown.set(false);
            clock.advance(Recovery.FIRST_RETRY);
            assertThat(node.recovery().retryDeferred()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
        }
    }

    /**
     * review23d M1: an upload waiting in the retry list that its uploader resumed meanwhile (after another node,
     * presuming this one dead, recovered it) is a live stream again, on this node: the retry must leave it to its
     * writer. A resume stamps the row anew; here that stamp alone stands for it.
     */
    @Test
    void aDeferredUploadResumedMeanwhile_isLeftToItsNewStream() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            storeDown.set(true);
            node.recovery().run();
            storeDown.set(false);
            clock.advance(Recovery.FIRST_RETRY);
            node.database.inTransaction(jdbc -> jdbc.update("UPDATE files SET updated_at = ? WHERE path = ?",
                    clock.instant().toEpochMilli(), REPORT.toString())); // resumed: UPLOADING on this node again

            assertThat(node.recovery().retryDeferred()).as("not the interrupted stream any more").isZero();
            assertThat(node.state()).isEqualTo("UPLOADING " + NODE);
            assertThat(node.recovery().deferredCount()).isZero();
        }
    }

    /** review23d M2: the expiry counts from the deferral, as a recovery without the fault counts from its own. */
    @Test
    void aLongUploadDeferredDuringAnOutage_keepsTheResumeWindowARecoveryWithoutOneGives() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        clock.advance(Duration.ofHours(23)); // it had streamed for 23 h when its node died
        try (Node node = new Node()) {
            storeDown.set(true);
            node.recovery().run();
            storeDown.set(false);
            clock.advance(Duration.ofHours(2)); // the store is back two hours later

            assertThat(node.recovery().retryDeferred()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(node.aborted()).isZero();
        }
    }

    @Test
    void aDeferredUploadPastThePartialExpiry_isDiscardedAsExpired() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            keysDown.set(true);
            node.recovery().run();
            assertThat(node.state()).isEqualTo("UPLOADING " + NODE);
            clock.advance(SETTINGS.partialExpiry().plusMinutes(1));
            node.recovery().retryDeferred();
            assertThat(node.state()).isEqualTo("none");
            assertThat(node.aborted()).isEqualTo(1);
        }
    }
}
