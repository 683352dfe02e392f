package io.vaultgate.core.ingest;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.storage.StoredBytesFixed;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.format.EnvelopeHeaderCodec;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what an interrupted upload's object can resume from: the run of its sealed segments from segment 0 that
 * authenticates, the rest cut ({@link OutOfOrderEnvelopeWriter#recover}), the kept tail re-sealed as a non-final
 * segment and flushed. A cut of the last segment alone (torn or stale, which any crash may leave) is logged at INFO;
 * a cut of more (a power loss tearing several segments, or tampering) is logged at WARN and audited as
 * {@code upload.suspended} with the plaintext size kept.
 */
final class AuthenticatedRun {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticatedRun.class);

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    AuthenticatedRun(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** What verifying an interrupted upload's object kept and cut. */
    record Cut(long before, long after, long kept, int segmentSize) {

        /** A cut from {@code before} to {@code after} stored bytes of an envelope of {@code segmentSize}. */
        static Cut of(long before, long after, int segmentSize) {
            long body = after - EnvelopeFormat.HEADER_SIZE;
            long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
            long segments = body <= 0 ? 0 : (body + stride - 1) / stride;
            return new Cut(before, after, Math.max(0, body) - segments * EnvelopeFormat.SEGMENT_OVERHEAD, segmentSize);
        }

        long dropped() {
            return before - after;
        }

        /**
         * Whether the cut began before the stored slot of the object's last segment: more than a torn or stale last
         * segment went, which a crash alone does not do (a power loss tearing several segments, or tampering).
         */
        boolean beyondLastSegment() {
            long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
            long body = before - EnvelopeFormat.HEADER_SIZE;
            if (after >= before || body <= 0) {
                return false;
            }
            long lastSlot = EnvelopeFormat.HEADER_SIZE + (body - 1) / stride * stride;
            return after < lastSlot;
        }
    }

    /**
     * Keeps the run of the object's segments that authenticates; a cut of more than its last segment is audited
     * ({@code upload.suspended}) in a transaction of its own before the object is cut (review23d L1), so no cut goes
     * unaudited when what follows fails. At worst the event is followed by an {@code upload.aborted} (a cut the object
     * cannot take: S3's parts sent for good, {@link StoredBytesFixed}) or recorded twice (the store failing after it,
     * before the cut reached the store, and a later pass cutting again).
     */
    Cut keep(FileRecord file, DataKey dek, EnvelopeContext context, PendingObject object) throws IOException {
        long before = object.channel().size();
        SeekableByteChannel channel = new CutRecordingChannel(object.channel(),
                (size, newSize) -> recordCut(file, Cut.of(size, newSize, segmentSizeOf(object.channel()))));
        OutOfOrderEnvelopeWriter writer = OutOfOrderEnvelopeWriter.recover(dek, context, channel,
                OutOfOrderEnvelopeWriter.DEFAULT_WINDOW_SEGMENTS, null);
        long after = object.channel().size();
        int segmentSize = writer.segmentSize();
        long kept = writer.suspend();
        writer.close();
        object.sync();
        Cut cut = new Cut(before, after, kept, segmentSize);
        report(file, cut);
        return cut;
    }

    private void recordCut(FileRecord file, Cut cut) {
        if (cut.beyondLastSegment()) {
            database.inTransaction(jdbc -> audit.append(jdbc, new AuditEvent.UploadSuspended(clock.instant(),
                    Optional.of(file.tenant()), AuditEvents.SYSTEM, file.id(), file.path().toString(), cut.kept())));
        }
    }

    /** The segment size in the header of {@code object}, which {@link OutOfOrderEnvelopeWriter#recover} verified. */
    private static int segmentSizeOf(SeekableByteChannel object) throws IOException {
        long position = object.position();
        ByteBuffer header = ByteBuffer.allocate(EnvelopeFormat.HEADER_SIZE);
        object.position(0);
        while (header.hasRemaining() && object.read(header) >= 0) {
            // until the header is read whole (a short one fails to decode)
        }
        object.position(position);
        return EnvelopeHeaderCodec.decode(header.array()).segmentSize();
    }

    private static void report(FileRecord file, Cut cut) {
        if (cut.dropped() <= 0) {
            return;
        }
        if (cut.beyondLastSegment()) {
            LOG.warn("interrupted upload {} of tenant {}: {} stored bytes after the segments that authenticate from "
                    + "segment 0 dropped, more than its last segment (a power loss tearing several segments, or "
                    + "tampering); {} plaintext bytes kept to resume from (audited as upload.suspended)", file.id(),
                    file.tenant(), cut.dropped(), cut.kept());
        } else {
            LOG.info("interrupted upload {} of tenant {}: its last segment ({} stored bytes, torn or stale) dropped, "
                    + "{} plaintext bytes kept to resume from", file.id(), file.tenant(), cut.dropped(), cut.kept());
        }
    }
}
