package io.vaultgate.core.ingest;

import static io.vaultgate.core.ingest.IngestServiceTest.randomBytes;
import static io.vaultgate.core.ingest.IngestServiceTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeIdInUse;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.FileContents;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cores on one catalog and one store, as two gateway nodes: a node's recovery touches only the uploads
 * of nodes that are gone (its own previous incarnation, or a node whose heartbeat stopped), never those a
 * live node is streaming, and a node presumed dead can no longer commit what another node recovered.
 * Runs on SQLite and, in the {@code postgresql} execution, on PostgreSQL.
 */
class MultiNodeRecoveryTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Long enough that a beating node is never presumed dead on a loaded machine. */
    private static final Duration DEAD_AFTER = Duration.ofSeconds(10);
    /**
     * The heartbeat of a node whose test recovers a dead node's uploads itself ({@code recoverDeadNodes}): its own
     * watch over the others runs at this period, so it never races the test to the upload of a node that stopped
     * (which would leave the test's call nothing to recover). Its dead-after is three beats.
     */
    private static final Duration NO_WATCH_DURING_THE_TEST = Duration.ofMinutes(10);
    /**
     * What a dead node's upload had written: more than one part of the test S3 store (5 MiB), so that some of
     * it is durable on S3 too, not only on local disk.
     */
    private static final int WRITTEN = 6_000_000;

    @TempDir
    Path home;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private TestCore nodeA;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        nodeA = open("node-a", true);
        alice = nodeA.client("acme", "alice", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void aStartingNodeLeavesTheUploadsOfALiveNodeAlone() throws Exception {
        byte[] data = randomBytes(400_000, 1);
        NodePresence a = join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(data, 0, 200_000));

        TestCore nodeB = open("node-b", false);
        join(nodeB);
        Recovery.Report report = nodeB.core().recovery().run();
        assertThat(report.resumable()).isZero();
        assertThat(nodeB.core().recovery().recoverDeadNodes()).isZero();
        assertThat(state(REPORT)).isEqualTo("UPLOADING node-a");

        upload.write(200_000, ByteBuffer.wrap(data, 200_000, data.length - 200_000));
        assertThat(upload.commit().sha256()).isEqualTo(sha256(data));
        assertThat(read(nodeB.core(), REPORT)).isEqualTo(data);
        assertThat(a.incarnation()).isNotBlank();
    }

    /**
     * Heartbeats and silences are the catalog's time: a node whose own clock runs an hour ahead neither presumes a
     * beating node dead (at its start or while it runs) nor is presumed dead itself.
     */
    @Test
    void aNodeWhoseClockRunsAnHourAhead_leavesTheUploadsOfALiveNodeAlone() throws Exception {
        byte[] data = randomBytes(400_000, 3);
        join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(data, 0, 200_000));

        TestCore ahead = open("node-b", false, Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
        join(ahead);
        assertThat(ahead.core().recovery().run().resumable()).isZero();
        assertThat(ahead.core().recovery().recoverDeadNodes()).isZero();
        Thread.sleep(HEARTBEAT.multipliedBy(3).toMillis()); // node B's own watch over the others runs meanwhile
        assertThat(state(REPORT)).isEqualTo("UPLOADING node-a");
        assertThat(nodeA.core().recovery().recoverDeadNodes()).as("node B is not presumed dead either").isZero();

        upload.write(200_000, ByteBuffer.wrap(data, 200_000, data.length - 200_000));
        assertThat(upload.commit().sha256()).isEqualTo(sha256(data));
    }

    @Test
    void theUploadOfADeadNodeBecomesAPartialThatResumesOnAnotherNode() throws Exception {
        byte[] data = randomBytes(WRITTEN + 1_000_000, 2);
        NodePresence a = join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        write(upload, data, 0, WRITTEN);
        TestCore nodeB = open("node-b", false, Clock.systemUTC(), NO_WATCH_DURING_THE_TEST);
        join(nodeB);
        nodeB.core().recovery().run();
        assertThat(state(REPORT)).isEqualTo("UPLOADING node-a");

        a.close(); // node A stops beating (here: stops cleanly, so it counts as dead at once)
        assertThat(nodeB.core().recovery().recoverDeadNodes()).isEqualTo(1);
        assertThat(state(REPORT)).isEqualTo("PARTIAL node-b");

        try (Upload resumed = nodeB.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
            // what node A had made durable: its sealed segments on local disk, its first part on S3
            int from = (int) resumed.resumeOffset();
            assertThat(from).isBetween(1, WRITTEN);
            write(resumed, data, from, data.length);
            assertThat(resumed.commit().sha256()).isEqualTo(sha256(data));
        }
        assertThat(read(nodeA.core(), REPORT)).isEqualTo(data);
    }

    @Test
    void aLiveNodeWatchesTheOthersAndRecoversADeadNodesUploadByItself() throws Exception {
        NodePresence a = join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        write(upload, randomBytes(WRITTEN, 3), 0, WRITTEN);
        TestCore nodeB = open("node-b", false);
        join(nodeB);

        a.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!state(REPORT).equals("PARTIAL node-b") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(state(REPORT)).isEqualTo("PARTIAL node-b");
    }

    @Test
    void aNodePresumedDeadCannotCommitWhatAnotherNodeRecovered() throws Exception {
        byte[] data = randomBytes(WRITTEN, 4);
        NodePresence a = join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        write(upload, data, 0, data.length);
        TestCore nodeB = open("node-b", false, Clock.systemUTC(), NO_WATCH_DURING_THE_TEST);
        join(nodeB);
        a.close();
        assertThat(nodeB.core().recovery().recoverDeadNodes()).isEqualTo(1);

        // refused: on local disk by the ownership check, on S3 already by the store (node B's recovery ended
        // node A's multipart upload)
        assertThatThrownBy(upload::commit).isInstanceOf(GatewayException.class);
        assertThat(state(REPORT)).isEqualTo("PARTIAL node-b");
        assertThatThrownBy(() -> read(nodeA.core(), REPORT)).isInstanceOf(GatewayException.class);
    }

    @Test
    void aRestartedNodeRecoversItsOwnUploadsAtOnceEvenIfItsLastBeatIsRecent() throws Exception {
        NodePresence a = join(nodeA);
        Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE);
        write(upload, randomBytes(WRITTEN, 5), 0, WRITTEN);
        a.close();
        // as if node A had been SIGKILLed just now: its row still shows a fresh heartbeat
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE nodes SET last_seen = ? WHERE id = 'node-a'",
                System.currentTimeMillis()));

        TestCore restarted = open("node-a", false);
        join(restarted);
        assertThat(restarted.core().recovery().run().resumable()).isEqualTo(1);
        assertThat(state(REPORT)).isEqualTo("PARTIAL node-a");
    }

    @Test
    void aSecondProcessWithTheIdOfALiveNodeIsRefused() {
        join(nodeA);
        TestCore twin = open("node-a", false);
        assertThatThrownBy(() -> twin.core().nodes().join()).isInstanceOf(NodeIdInUse.class)
                .hasMessageContaining("node id node-a is in use");
    }

    /** A core of node {@code id} over the shared home (catalog and store); the first one creates it. */
    private TestCore open(String id, boolean create) {
        return open(id, create, Clock.systemUTC());
    }

    private TestCore open(String id, boolean create, Clock clock) {
        return open(id, create, clock, HEARTBEAT);
    }

    private TestCore open(String id, boolean create, Clock clock, Duration heartbeat) {
        Duration deadAfter = heartbeat.equals(HEARTBEAT) ? DEAD_AFTER : heartbeat.multipliedBy(3);
        GatewayCore.Settings settings = new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withNode(NodeSettings.of(id).withTiming(heartbeat, deadAfter));
        TestCore core = create ? TestCore.create(home, settings, clock) : TestCore.reopen(home, settings, clock);
        opened.add(core);
        return core;
    }

    private NodePresence join(TestCore core) {
        NodePresence presence = core.core().nodes().join();
        opened.add(presence);
        return presence;
    }

    /** Writes {@code data[from, to)} in order, in chunks within the reorder window. */
    private static void write(Upload upload, byte[] data, int from, int to) {
        for (int offset = from; offset < to; offset += 1 << 20) {
            upload.write(offset, ByteBuffer.wrap(data, offset, Math.min(1 << 20, to - offset)));
        }
    }

    /** The file's state and the node recorded on it, read behind the core's back. */
    private String state(VirtualPath path) {
        return nodeA.database().read(jdbc -> jdbc.queryOne("SELECT state, node_id FROM files WHERE path = ?",
                row -> row.getString(1) + " " + row.getString(2), path.toString())).orElse("none");
    }

    private byte[] read(GatewayCore core, VirtualPath path) throws Exception {
        return FileContents.readAll(core, alice, path);
    }
}
