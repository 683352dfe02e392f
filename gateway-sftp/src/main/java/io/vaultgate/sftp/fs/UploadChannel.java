package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * A write handle: each SFTP WRITE goes to {@link Upload#write(long, ByteBuffer)} at its own offset, in whatever
 * order the client pipelines them; the core encrypts and stores. How the handle ends decides the file's fate:
 * <ul>
 *   <li>{@link #commit()} (the client sent CLOSE): the file is sealed and published;</li>
 *   <li>{@link #close()} without commit (the session died first): a resumable partial is kept, unless the upload
 *       holds nothing (a new upload the client never wrote to, or wrote to only past a gap, whose bytes the core
 *       drops when it suspends): an empty partial would only hide the uploader's file of that name in its
 *       listings;</li>
 *   <li>after any failed write (quota, write outside the reorder window): everything is discarded, because the
 *       client's view of the file no longer matches what was stored.</li>
 * </ul>
 */
final class UploadChannel implements SeekableByteChannel {

    /** What the commit may do to a file already at the path. */
    enum Publish {
        /** Replace it (the usual upload). */
        REPLACE,
        /**
         * Replace it only if the client wrote something: an open without TRUNC that is closed without a WRITE
         * leaves the file as it was, as it would on a POSIX file system.
         */
        REPLACE_IF_WRITTEN,
        /** Nothing: refused with {@code SSH_FX_FILE_ALREADY_EXISTS} if a file is there by then (EXCL). */
        CREATE_ONLY
    }

    private final Path path;
    private final Upload upload;
    private final Publish publish;
    private long position;
    private long size;
    private boolean failed;
    private boolean written;
    /** Whether a write of at least one byte started at the resume offset: the core then keeps data past it. */
    private boolean continued;
    private boolean appendRefused;
    private boolean open = true;
    private Receipt receipt;

    UploadChannel(Path path, Upload upload) {
        this(path, upload, Publish.REPLACE);
    }

    UploadChannel(Path path, Upload upload, Publish publish) {
        this.path = path;
        this.upload = upload;
        this.publish = publish;
        this.size = upload.resumeOffset();
        this.position = size;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (failed) {
            throw new SftpException(SftpConstants.SSH_FX_FAILURE,
                    "an earlier write failed; this upload will not be stored, so its data is not taken");
        }
        int length = src.remaining();
        written = true;
        try {
            upload.write(position, src);
        } catch (GatewayException e) {
            failed = true;
            throw IoErrors.translate(path, e);
        }
        continued |= length > 0 && position == upload.resumeOffset();
        src.position(src.limit());
        position += length;
        size = Math.max(size, position);
        return length;
    }

    /**
     * Publishes the file and returns its receipt; refused, and nothing kept, if a write failed before. Empty when
     * there was nothing to publish ({@link Publish#REPLACE_IF_WRITTEN} without a write): the upload is discarded
     * and the file at the path stays.
     */
    synchronized Optional<Receipt> commit() throws IOException {
        ensureOpen();
        open = false;
        if (failed) {
            upload.abort();
            throw new SftpException(SftpConstants.SSH_FX_FAILURE, "upload failed earlier; nothing was stored");
        }
        if (appendRefused) {
            try {
                upload.suspend();
            } finally {
                upload.close();
            }
            throw new SftpException(SftpConstants.SSH_FX_FAILURE, "an append was refused; nothing was published, and "
                    + "the interrupted upload stays resumable from byte " + size);
        }
        try {
            if (publish == Publish.REPLACE_IF_WRITTEN && !written) {
                upload.abort();
                return Optional.empty();
            }
            receipt = publish == Publish.CREATE_ONLY
                    ? upload.commit(CommitChecks.NONE.replacingOnlyIf(Optional::isEmpty))
                    : upload.commit();
            return Optional.of(receipt);
        } catch (GatewayException e) {
            if (publish == Publish.CREATE_ONLY && e.reason() == GatewayException.Reason.PRECONDITION_FAILED) {
                throw new FileAlreadyExistsException(path.toString(), null,
                        "a file was committed at the path while this exclusive upload streamed");
            }
            throw IoErrors.translate(path, e);
        } finally {
            upload.close();
        }
    }

    /**
     * An APPEND write arrived at another offset than this upload's end ({@link AppendOffsets}): the client's view of
     * the file differs from the server's, so the CLOSE publishes nothing and keeps the partial as it was.
     */
    synchronized void refuseAppend() {
        appendRefused = true;
    }

    /** The receipt of a committed upload, for audit. */
    synchronized Optional<Receipt> receipt() {
        return Optional.ofNullable(receipt);
    }

    /**
     * Whether {@link #close()} without a commit keeps a resumable partial (see the class comment): a suspended
     * upload keeps only the bytes contiguous from its resume offset, so a new upload whose writes all lie past a
     * gap would be kept empty.
     */
    synchronized boolean keepsPartial() {
        return !failed && (continued || upload.resumeOffset() > 0);
    }

    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            if (!keepsPartial()) {
                upload.abort();
            } else {
                upload.suspend();
            }
        } finally {
            upload.close();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new AccessDeniedException(path.toString(), null, "handle is open for writing only");
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    /** The end of the furthest write, or the resume offset: where an APPEND write continues. */
    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) throws IOException {
        throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, "files cannot be truncated");
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
