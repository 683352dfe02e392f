package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.FileContents;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A power loss during a large upload on the filesystem store: the segments written since the object's last background
 * flush may be missing or zeroed anywhere in its tail, not only in the segment being written. Start-up recovery keeps
 * the run of segments from segment 0 that authenticates, the catalog records exactly that much, and the uploader's
 * resume continues from there to a file with the right SHA-256 and receipt. An object whose header or segment 0 is
 * damaged is still discarded and audited. On the run's catalog (SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}).
 */
class TornPartialRecoveryTest {

    private static final int S = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
    private static final long STRIDE = S + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
    /** 112 segments and 99 bytes: segments 0 to 111 sealed and written, the last one still open when the node dies. */
    private static final int LENGTH = 7 * 1024 * 1024 + 99;
    private static final int SEALED = LENGTH / S;
    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.bin");
    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);

    @TempDir
    Path home;
    private final byte[] data = new byte[LENGTH];
    private ClientPrincipal alice;
    private Path object;

    {
        new Random(22).nextBytes(data);
    }

    @BeforeEach
    void aNodeDiesWhileStreamingAnUpload() throws Exception {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store's crash (S3 keeps only what was persisted)");
        try (TestCore node = TestCore.create(home, SETTINGS)) {
            alice = node.client("acme", "alice", Protocol.SFTP);
            Upload upload = node.core().ingest().open(alice, REPORT, UploadMode.CREATE);
            for (int at = 0; at < LENGTH; at += 1 << 20) { // never ended: the node dies
                upload.write(at, ByteBuffer.wrap(data, at, Math.min(1 << 20, LENGTH - at)));
            }
            String objectId = node.database().read(jdbc -> jdbc.queryOne("SELECT object_id FROM files WHERE id = ?",
                    rs -> rs.getString(1), upload.fileId())).orElseThrow();
            object = home.resolve("objects").resolve("acme").resolve(".pending").resolve(objectId);
            // The writer thread has written every segment but the end of the last one, which a store writing directly
            // keeps staged until a flush (it ends at the last whole 512 KiB run): the node dies before that.
            awaitSettledSize(object, EnvelopeFormat.segmentOffset(SEALED - 1, S));
        }
    }

    @Test
    void tornSegmentsInTheMiddle_keepTheRunBeforeThem_andTheResumeCompletesTheFile() throws Exception {
        zero(40); // never reached the disk
        zero(70);
        long kept = 40L * S; // segments 41 to 69 and 71 on authenticate, but follow a hole

        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            Recovery.Report report = restarted.core().recovery().run();

            assertThat(report.resumable()).isEqualTo(1);
            FileEntry partial = restarted.core().files().stat(alice, REPORT);
            assertThat(partial.partial()).isTrue();
            assertThat(partial.size()).as("the catalog's partial size").isEqualTo(kept);
            assertThat(Files.size(object)).isEqualTo(EnvelopeFormat.segmentOffset(40, S));
            long aborted = restarted.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                    + "kind = 'upload.aborted'"));
            assertThat(aborted).isZero();
            assertThat(suspendedAudits(restarted, kept)).as("more than the last segment cut: audited").isEqualTo(1);

            Receipt receipt;
            try (Upload resumed = restarted.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
                assertThat(resumed.resumeOffset()).isEqualTo(kept);
                for (long at = kept; at < LENGTH; at += 1 << 20) {
                    resumed.write(at, ByteBuffer.wrap(data, (int) at, (int) Math.min(1 << 20, LENGTH - at)));
                }
                receipt = resumed.commit();
            }
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(receipt.sha256()).isEqualTo(sha256);
            assertThat(receipt.size()).isEqualTo(LENGTH);
            Optional<String> recorded = restarted.database().read(jdbc -> jdbc.queryOne(
                    "SELECT sha256 FROM files WHERE id = ?", rs -> rs.getString(1), receipt.fileId()));
            assertThat(recorded).contains(sha256);
            assertThat(FileContents.readAll(restarted.core(), alice, REPORT)).isEqualTo(data);
        }
    }

    /** Only the last stored segment torn: what any crash may leave, logged but not audited. */
    @Test
    void onlyTheLastSegmentTorn_isCutWithoutAnAuditEvent() throws Exception {
        zero(SEALED - 1);
        long kept = (SEALED - 1L) * S;

        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            assertThat(restarted.core().recovery().run().resumable()).isEqualTo(1);
            assertThat(restarted.core().files().stat(alice, REPORT).size()).isEqualTo(kept);
            assertThat(Files.size(object)).isEqualTo(EnvelopeFormat.segmentOffset(SEALED - 1, S));
            assertThat(suspendedAudits(restarted, kept)).isZero();
        }
    }

    /**
     * review23d L1: a cut of more than the last segment is audited before the object is cut, so a catalog failure
     * while the partial is recorded does not lose the event: the next pass finds the object cut already, with nothing
     * left to report.
     */
    @Test
    void aCutBeyondTheLastSegment_staysAudited_whenRecordingThePartialFailsOnce() throws Exception {
        zero(40);
        long kept = 40L * S;

        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            failPartials(restarted, true);
            assertThat(restarted.core().recovery().run().resumable()).as("its record failed").isZero();
            failPartials(restarted, false);
            assertThat(Files.size(object)).as("cut all the same").isEqualTo(EnvelopeFormat.segmentOffset(40, S));
        }
        try (TestCore again = TestCore.reopen(home, SETTINGS)) {
            assertThat(again.core().recovery().run().resumable()).isEqualTo(1);
            assertThat(again.core().files().stat(alice, REPORT).size()).isEqualTo(kept);
            assertThat(suspendedAudits(again, kept)).isEqualTo(1);
        }
    }

    /** Installs (or removes) a trigger that fails any change of a file row to PARTIAL. */
    private static void failPartials(TestCore test, boolean fail) {
        test.database().inTransaction(jdbc -> {
            if (TestCatalog.postgresql()) {
                if (fail) {
                    jdbc.update("CREATE FUNCTION fail_partial() RETURNS trigger AS $$ BEGIN "
                            + "RAISE EXCEPTION 'injected catalog failure'; END $$ LANGUAGE plpgsql");
                    jdbc.update("CREATE TRIGGER fail_partial BEFORE UPDATE ON files FOR EACH ROW "
                            + "WHEN (NEW.state = 'PARTIAL') EXECUTE FUNCTION fail_partial()");
                } else {
                    jdbc.update("DROP TRIGGER fail_partial ON files");
                    jdbc.update("DROP FUNCTION fail_partial()");
                }
            } else if (fail) {
                jdbc.update("CREATE TRIGGER fail_partial BEFORE UPDATE OF state ON files "
                        + "WHEN NEW.state = 'PARTIAL' BEGIN SELECT RAISE(ABORT, 'injected catalog failure'); END");
            } else {
                jdbc.update("DROP TRIGGER fail_partial");
            }
            return null;
        });
    }

    private static long suspendedAudits(TestCore core, long size) {
        return core.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                + "kind = 'upload.suspended' AND event LIKE ?", "%\"size\":" + size + "%"));
    }

    /** As before: nothing of an object damaged from its start is kept; it is discarded and audited. */
    @ParameterizedTest
    @ValueSource(longs = {150, EnvelopeFormat.HEADER_SIZE + 100})
    void aDamagedHeaderOrSegmentZero_isDiscardedAndAudited(long at) throws Exception {
        zero(50); // a torn tail as well
        try (FileChannel file = FileChannel.open(object, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            file.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 1)).rewind();
            file.write(one, at);
        }

        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            Recovery.Report report = restarted.core().recovery().run();

            assertThat(report.resumable()).isZero();
            assertThatThrownBy(() -> restarted.core().files().stat(alice, REPORT)).isInstanceOf(GatewayException.class);
            assertDiscardedAndAudited(restarted);
        }
    }

    /**
     * The whole header zeroed, as delayed allocation leaves a first block that was never flushed: not an envelope
     * header ("bad magic"), which this gateway never writes, so torn. Discarded and audited at once (crash-consistency
     * audit L1: it was taken for a passing failure, deferred and retried until the partial expiry).
     */
    @Test
    void aZeroedHeader_isDiscardedAndAudited_notDeferred() throws Exception {
        try (FileChannel file = FileChannel.open(object, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(EnvelopeFormat.HEADER_SIZE);
            while (zeros.hasRemaining()) {
                file.write(zeros, zeros.position());
            }
        }

        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            Recovery.Report report = restarted.core().recovery().run();

            assertThat(report.resumable()).isZero();
            assertThat(restarted.core().recovery().deferredCount()).as("not a passing failure").isZero();
            assertDiscardedAndAudited(restarted);
        }
    }

    /** Zeroes stored segment {@code index}, as delayed allocation leaves data that was never flushed. */
    /** The interrupted upload was discarded: audited once as not recoverable, no row, no object. */
    private void assertDiscardedAndAudited(TestCore restarted) {
        long aborted = restarted.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                + "kind = 'upload.aborted' AND event LIKE '%interrupted upload could not be recovered%'"));
        assertThat(aborted).isEqualTo(1);
        long rows = restarted.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files"));
        assertThat(rows).isZero();
        assertThat(object).doesNotExist();
    }

    private void zero(long index) throws IOException {
        try (FileChannel file = FileChannel.open(object, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) STRIDE);
            while (zeros.hasRemaining()) {
                file.write(zeros, EnvelopeFormat.segmentOffset(index, S) + zeros.position());
            }
        }
    }

    /** Waits until {@code file} holds at least {@code size} bytes and has stopped growing (for 200 ms). */
    private static void awaitSettledSize(Path file, long size) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long seen = -1;
        int still = 0;
        while (System.nanoTime() < deadline && (Files.size(file) < size || still < 20)) {
            long now = Files.size(file);
            still = now == seen ? still + 1 : 0;
            seen = now;
            Thread.sleep(10);
        }
        assertThat(Files.size(file)).isBetween(size, EnvelopeFormat.segmentOffset(SEALED, S));
    }
}
