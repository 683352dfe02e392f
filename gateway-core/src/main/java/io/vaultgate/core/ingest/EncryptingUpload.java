package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload in progress: plaintext writes are encrypted by an {@link OutOfOrderEnvelopeWriter} into a
 * pending object while the plaintext's SHA-256 is computed in order. Quota and the tenant's maximum file size
 * are checked on every write, so an upload that would exceed either fails at once rather than at the end,
 * and is discarded.
 */
final class EncryptingUpload implements Upload {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptingUpload.class);

    private enum Status { OPEN, DONE }

    private final FileRecord file;
    private final PendingObject object;
    private final OutOfOrderEnvelopeWriter writer;
    private final MessageDigest digest;
    private final UploadLedger ledger;
    private final UploadGate gate;
    private final Quota quota;
    private final long maxFileSize;
    private final long bytesUsedByOthers;
    private final long resumeOffset;
    private final String actor;
    private final Optional<String> resultOf;
    private Status status = Status.OPEN;

    EncryptingUpload(FileRecord file, PendingObject object, OutOfOrderEnvelopeWriter writer, MessageDigest digest,
                     UploadLedger ledger, UploadGate gate, Quota quota, long maxFileSize, long bytesUsedByOthers,
                     String actor, Optional<String> resultOf) {
        this.file = file;
        this.object = object;
        this.writer = writer;
        this.digest = digest;
        this.ledger = ledger;
        this.gate = gate;
        this.quota = quota;
        this.maxFileSize = maxFileSize;
        this.bytesUsedByOthers = bytesUsedByOthers;
        this.resumeOffset = writer.committedLength();
        this.actor = actor;
        this.resultOf = resultOf;
    }

    @Override
    public String fileId() {
        return file.id();
    }

    @Override
    public long resumeOffset() {
        return resumeOffset;
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
        requireOpen();
        if (offset < resumeOffset) {
            throw new GatewayException(Reason.INVALID_REQUEST, file.path() + ": write at offset " + offset
                    + " is before the resume offset " + resumeOffset);
        }
        long end = offset + src.remaining();
        if (maxFileSize != 0 && end > maxFileSize) {
            discard("larger than the tenant's maximum file size");
            throw FileTooLarge.refuse(file.path().toString(), maxFileSize);
        }
        if (!quota.allowsBytes(bytesUsedByOthers + end)) {
            discard("quota exceeded");
            throw new GatewayException(Reason.QUOTA_EXCEEDED,
                    QuotaRefusals.bytes(file.path(), quota, resultOf.isPresent(), ""));
        }
        try {
            writer.write(offset, src);
        } catch (CryptoException.WriteOutOfWindow e) {
            throw new GatewayException(Reason.INVALID_REQUEST, file.path() + ": write at offset " + offset
                    + " is too far ahead of the data received so far", e.getMessage(), e);
        } catch (CryptoException.ReorderMemoryFull e) {
            throw ReorderRefusal.of(file.path().toString(), offset, e);
        } catch (IOException e) {
            discard("storage failure");
            throw StorageFailures.of(file.path().toString(), e);
        }
    }

    @Override
    public synchronized Receipt commit(CommitChecks checks) {
        requireOpen();
        long size;
        try {
            size = writer.finish();
        } catch (IllegalStateException hole) {
            discard("gap in the data");
            throw new GatewayException(Reason.INVALID_REQUEST, file.path() + ": the upload has a gap; "
                    + "no data arrived for some offsets");
        } catch (IOException e) {
            discard("storage failure");
            throw StorageFailures.of(file.path().toString(), e);
        }
        end();
        byte[] actual = digest.digest();
        if (!checks.expectedSha256().stream().allMatch(expected -> MessageDigest.isEqual(expected, actual))) {
            writer.close();
            closeQuietly();
            ledger.discard(file, actor, "content digest mismatch");
            throw new GatewayException(Reason.INTEGRITY, file.path() + ": content digest mismatch: the body's "
                    + "sha-256 differs from the announced value");
        }
        String sha256 = HexFormat.of().formatHex(actual);
        try {
            return ledger.commit(file, object, size, sha256, actor,
                    new PublishRules(checks.mayReplace(), quota, resultOf));
        } catch (IOException e) {
            ledger.discard(file, actor, "storage failure");
            throw StorageFailures.of(file.path().toString(), e);
        } finally {
            writer.close();
        }
    }

    @Override
    public void abort() {
        discard("aborted by the client");
    }

    private synchronized void discard(String reason) {
        if (status == Status.DONE) {
            return;
        }
        end();
        writer.close();
        closeQuietly();
        ledger.discard(file, actor, reason);
    }

    @Override
    public synchronized void suspend() {
        if (status == Status.DONE) {
            return;
        }
        end();
        try {
            long kept = writer.suspend();
            object.sync();
            closeQuietly();
            ledger.suspend(file, kept, actor);
        } catch (IOException | RuntimeException e) {
            LOG.warn("upload {} of tenant {} could not be kept as a resumable partial and is discarded", file.id(),
                    file.tenant(), e);
            closeQuietly();
            ledger.discard(file, actor, "could not be kept as a partial");
        } finally {
            writer.close();
        }
    }

    @Override
    public void close() {
        suspend();
    }

    private void end() {
        status = Status.DONE;
        gate.leave();
    }

    private void requireOpen() {
        if (status != Status.OPEN) {
            throw new GatewayException(Reason.INVALID_REQUEST, file.path() + ": the upload is already closed");
        }
    }

    private void closeQuietly() {
        try {
            object.close();
        } catch (IOException ignored) {
            // the object is discarded or kept as it is on disk
        }
    }
}
