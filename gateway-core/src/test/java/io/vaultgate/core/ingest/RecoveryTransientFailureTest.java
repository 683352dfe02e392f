package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.vaultgate.core.storage.FileStoreMarker;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.StoreIdentity;
import io.vaultgate.core.storage.StoreNotRecognized;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
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
    private static final VirtualPath OTHER = PathPolicy.parse("/inbox/other.bin");
    /** The name of a thread whose store reopens wait for {@link #releaseSlowRetry}. */
    private static final String SLOW = "slow-retry";

    @TempDir
    Path home;
    private final AtomicBoolean keysDown = new AtomicBoolean();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final CountDownLatch slowRetryEntered = new CountDownLatch(1);
    private final CountDownLatch releaseSlowRetry = new CountDownLatch(1);
    private final MutableClock clock = new MutableClock(Instant.now());

    /**
     * A node that writes 12 MiB of an upload and dies; returns its node id. 12 MiB: on the S3 store (the PostgreSQL
     * run) whole 5 MiB parts of it were sent, which is what an interrupted S3 upload keeps; 3 MiB left nothing there.
     */
    private String aNodeDiesWhileStreamingAnUpload() {
        return aNodeDiesWhileStreamingAnUpload(TestCore.create(home, SETTINGS), "alice", REPORT);
    }

    /** As above, on {@code node}, by a new login {@code user} of tenant acme, to {@code path}. */
    private static String aNodeDiesWhileStreamingAnUpload(TestCore node, String user, VirtualPath path) {
        byte[] data = new byte[12 << 20];
        new Random(1).nextBytes(data);
        try (node) {
            ClientPrincipal client = node.client("acme", user, Protocol.SFTP);
            Upload upload = node.core().ingest().open(client, path, UploadMode.CREATE);
            for (int at = 0; at < data.length; at += 1 << 20) { // in pieces a client sends, inside the reorder window
                upload.write(at, ByteBuffer.wrap(data, at, 1 << 20));
            } // never ended: the node dies
            return node.database().read(jdbc -> jdbc.queryOne("SELECT node_id FROM files WHERE path = ?",
                    row -> row.getString(1), path.toString())).orElseThrow();
        }
    }

    /** A gateway node {@link #NODE} over the same home whose key provider and store fail while told to. */
    private final class Node implements AutoCloseable {
        final Database database = TestCatalog.open(home);
        final KeystoreKeyProvider keystore;
        final GatewayCore core;
        final DelegatingObjectStore objects;
        private final ObjectStore base = TestStore.open(home, clock);

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
            DelegatingObjectStore store = new DelegatingObjectStore(base) {
                @Override
                public PendingObject reopen(TenantId tenant, ObjectId id) throws IOException {
                    if (storeDown.get()) {
                        throw new IOException("503 Slow Down (simulated)");
                    }
                    if (Thread.currentThread().getName().equals(SLOW)) {
                        slowRetryEntered.countDown();
                        awaitQuietly(releaseSlowRetry);
                    }
                    return super.reopen(tenant, id);
                }
            };
            objects = store;
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

        /** The start's store identity check of the node's store (a directory store's marker). */
        void checkStore() throws IOException {
            new StoreIdentity(database, base, ((FileSystemObjectStore) base).marker()).check();
        }

        /** The node the interrupted upload's row names. */
        String deadNode() {
            return database.read(jdbc -> jdbc.queryOne("SELECT node_id FROM files WHERE path = ?",
                    row -> row.getString(1), REPORT.toString())).orElseThrow();
        }

        String state() {
            return state(REPORT);
        }

        String state(VirtualPath path) {
            return database.read(jdbc -> jdbc.queryOne("SELECT state, node_id FROM files WHERE path = ?",
                    row -> row.getString(1) + " " + row.getString(2), path.toString())).orElse("none");
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
            clock.advance(DeferredUploads.FIRST_RETRY);
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
            clock.advance(DeferredUploads.FIRST_RETRY);
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
            clock.advance(DeferredUploads.FIRST_RETRY);
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
            clock.advance(DeferredUploads.FIRST_RETRY);
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

    /**
     * review24b L3: a crash between an upload's file row and the store's create, on a tenant's first upload, leaves a
     * row whose object was never made, and no {@code .pending} directory. The store was checked at start to be the
     * catalog's (its marker), so the missing object proves the upload gone: discarded at once, audited, instead of
     * kept until its expiry and retried every ten minutes. (On S3 it was discarded before too.)
     */
    @Test
    void anUploadWhoseObjectWasNeverCreated_isDiscardedAtOnce() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            String object = node.database.read(jdbc -> jdbc.queryOne("SELECT object_id FROM files WHERE path = ?",
                    row -> row.getString(1), REPORT.toString())).orElseThrow();
            node.objects.delete(TenantId.of("acme"), new ObjectId(object));
            if (!TestStore.s3()) {
                deleteTree(home.resolve("objects").resolve("acme")); // the tenant's first upload: no .pending
            }

            assertThat(node.recovery().run().resumable()).isZero();
            assertThat(node.state()).as("discarded as gone").isEqualTo("none");
            assertThat(node.aborted()).isEqualTo(1);
            assertThat(node.recovery().deferredCount()).as("nothing left to retry").isZero();
        }
    }

    /**
     * review23d M3, now review24b M2: the store's root is an empty mount point at start (its file system not mounted
     * yet). The store's identity check refuses it before recovery could take the interrupted upload for gone (or an
     * upload be written there); once the file system is mounted, the node starts and recovers the upload.
     */
    @Test
    void aStoreRootNotMountedAtStart_isRefusedBeforeRecovery_andTheUploadRecoveredOnceMounted() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store's mount point");
        Path root = home.resolve("objects");
        try (Database catalog = TestCatalog.open(home)) { // the installation's first start records the store
            new StoreIdentity(catalog, new FileSystemObjectStore(root), new FileStoreMarker(root)).check();
        }
        aNodeDiesWhileStreamingAnUpload();
        Path mounted = home.resolve("objects-filesystem");
        Files.move(root, mounted); // unmounted: the store (re)creates its root as an empty directory
        try (Node node = new Node()) {
            assertThatThrownBy(node::checkStore).isInstanceOf(StoreNotRecognized.class)
                    .hasMessageContaining(root.toString()).hasMessageContaining("not mounted");
            assertThat(node.state()).as("recovery never ran").isEqualTo("UPLOADING " + node.deadNode());
        }
        deleteTree(root); // the empty mount point
        Files.move(mounted, root); // mounted at last
        try (Node node = new Node()) {
            node.checkStore();
            assertThat(node.recovery().run().resumable()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(node.aborted()).isZero();
        }
    }

    /**
     * review25a M1: the store's file system is unmounted while the node runs, after an interrupted upload was deferred
     * (its key provider down at start). The retry does not find the object on the empty mount point; that proves
     * nothing, since the store no longer shows its marker: the upload is kept, and recovered once mounted again.
     */
    @Test
    void aStoreUnmountedWhileTheNodeRuns_keepsADeferredUpload_andRecoversItOnceMountedAgain() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store's mount point");
        Path root = home.resolve("objects");
        try (Database catalog = TestCatalog.open(home)) { // the installation's first start records the store
            new StoreIdentity(catalog, new FileSystemObjectStore(root), new FileStoreMarker(root)).check();
        }
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            node.checkStore();
            keysDown.set(true); // the HSM unreachable at start: the upload is deferred
            assertThat(node.recovery().run().resumable()).isZero();
            assertThat(node.recovery().deferredCount()).isEqualTo(1);

            Path mounted = home.resolve("objects-filesystem");
            Files.move(root, mounted); // its file system unmounted while the node runs
            Files.createDirectories(root); // the empty mount point
            keysDown.set(false);
            clock.advance(DeferredUploads.FIRST_RETRY);
            assertThat(node.recovery().retryDeferred()).isZero();
            assertThat(node.aborted()).as("upload.aborted audited").isZero();
            assertThat(node.state()).as("kept: the object is not gone, its store is not mounted")
                    .isEqualTo("UPLOADING " + NODE);

            deleteTree(root);
            Files.move(mounted, root); // mounted again
            clock.advance(DeferredUploads.LAST_RETRY);
            assertThat(node.recovery().retryDeferred()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
            assertThat(node.aborted()).isZero();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> made = Files.walk(dir)) {
            for (Path path : made.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** review23d L3: however long the outage, the upload is tried again within ten minutes of its end. */
    @Test
    void aLongOutage_backsOffToTenMinutesAtMost() throws IOException {
        aNodeDiesWhileStreamingAnUpload();
        try (Node node = new Node()) {
            storeDown.set(true);
            node.recovery().run();
            for (int hour = 0; hour < 8; hour++) { // each retry fails, backing off
                clock.advance(Duration.ofHours(1));
                assertThat(node.recovery().retryDeferred()).isZero();
            }
            storeDown.set(false);
            clock.advance(Duration.ofMinutes(10));
            assertThat(node.recovery().retryDeferred()).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
        }
    }

    /** review23d L2: a retry waiting on its store does not hold up the take-over of a dead node's uploads. */
    @Test
    void aRetryWaitingOnItsStore_doesNotHoldUpTheTakeOverOfADeadNodesUpload() throws Exception {
        String first = aNodeDiesWhileStreamingAnUpload(TestCore.create(home, onNode("node-a")), "alice", REPORT);
        String second = aNodeDiesWhileStreamingAnUpload(TestCore.reopen(home, onNode("node-b")), "bob", OTHER);
        try (Node node = new Node()) {
            storeDown.set(true);
            assertThat(node.recovery().recoverUploadsOf(first)).isZero();
            storeDown.set(false);
            clock.advance(DeferredUploads.FIRST_RETRY);
            CompletableFuture<Integer> retry = new CompletableFuture<>();
            Thread slow = new Thread(() -> retry.complete(node.recovery().retryDeferred()), SLOW);
            slow.start();
            try {
                assertThat(slowRetryEntered.await(60, TimeUnit.SECONDS)).as("the retry reached its store").isTrue();
                CompletableFuture<Integer> takeOver = CompletableFuture.supplyAsync(
                        () -> node.recovery().recoverUploadsOf(second));
                assertThat(takeOver.get(60, TimeUnit.SECONDS)).as("taken over while the retry waits").isEqualTo(1);
                assertThat(node.state(OTHER)).isEqualTo("PARTIAL " + NODE);
            } finally {
                releaseSlowRetry.countDown();
                slow.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(retry.getNow(-1)).isEqualTo(1);
            assertThat(node.state()).isEqualTo("PARTIAL " + NODE);
        }
    }

    private static GatewayCore.Settings onNode(String id) {
        return SETTINGS.withNode(NodeSettings.of(id));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
