package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * What the flags of a write OPEN mean for the core's ingest API. A gateway file is never modified in place: an
 * upload either creates a new file, which replaces whatever is at the path when it commits, or resumes the
 * uploader's interrupted upload. Within that, the flags keep their SFTP meaning:
 * <ul>
 *   <li>APPEND ({@code reput}): resumes the interrupted upload at the path; with CREAT and nothing there, a new
 *       upload; on a complete file {@code SSH_FX_OP_UNSUPPORTED} (not "no such file");</li>
 *   <li>CREAT with EXCL: refused with {@code SSH_FX_FILE_ALREADY_EXISTS} if anything is at the path, and the commit
 *       is create-only, so a file committed there while this one streamed is kept and this one refused;</li>
 *   <li>without CREAT (with or without TRUNC): {@code SSH_FX_NO_SUCH_FILE} if nothing is at the path;</li>
 *   <li>without TRUNC on an existing file: the file is replaced only if the client writes; an open closed
 *       without a WRITE (a READ|WRITE open only read from, say) leaves it unchanged;</li>
 *   <li>otherwise (OpenSSH's {@code put} sends CREAT with TRUNC, which needs no look-up): a new upload.</li>
 * </ul>
 */
final class WriteOpen {

    private WriteOpen() {
    }

    static UploadChannel open(GatewayPath path, Set<? extends OpenOption> options, boolean append)
            throws IOException {
        if (append) {
            return resume(path, options.contains(StandardOpenOption.CREATE));
        }
        if (options.contains(StandardOpenOption.CREATE_NEW)) {
            if (existing(path).isPresent()) {
                throw new FileAlreadyExistsException(path.toString());
            }
            return new UploadChannel(path, upload(path, UploadMode.CREATE), UploadChannel.Publish.CREATE_ONLY);
        }
        boolean create = options.contains(StandardOpenOption.CREATE);
        boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING);
        if (create && truncate) {
            return new UploadChannel(path, upload(path, UploadMode.CREATE), UploadChannel.Publish.REPLACE);
        }
        Optional<FileEntry> existing = existing(path);
        if (!create && existing.isEmpty()) {
            throw new NoSuchFileException(path.toString());
        }
        boolean complete = existing.filter(entry -> !entry.directory() && !entry.partial()).isPresent();
        return new UploadChannel(path, upload(path, UploadMode.CREATE),
                complete && !truncate ? UploadChannel.Publish.REPLACE_IF_WRITTEN : UploadChannel.Publish.REPLACE);
    }

    /**
     * APPEND: the uploader's interrupted upload continues. With nothing at the path, CREAT starts a new upload
     * (JSch's and paramiko's append/resume modes send APPEND|CREAT for a new file too); a complete file cannot be
     * appended to, which is said as such rather than as "no such file".
     */
    private static UploadChannel resume(GatewayPath path, boolean create) throws IOException {
        try {
            return new UploadChannel(path, upload(path, UploadMode.RESUME), UploadChannel.Publish.REPLACE);
        } catch (IOException e) {
            if (!(e.getCause() instanceof GatewayException cause)
                    || cause.reason() != GatewayException.Reason.NOT_FOUND) {
                throw e;
            }
            Optional<FileEntry> existing = existing(path);
            if (existing.filter(entry -> !entry.directory()).isPresent()) {
                throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, path + ": a complete file cannot be"
                        + " appended to; only an interrupted upload resumes (upload it again without reput)");
            }
            if (create && existing.isEmpty()) {
                return new UploadChannel(path, upload(path, UploadMode.CREATE), UploadChannel.Publish.REPLACE);
            }
            throw e;
        }
    }

    private static Upload upload(GatewayPath path, UploadMode mode) throws IOException {
        GatewayFileSystem fs = path.getFileSystem();
        return IoErrors.call(path, () -> fs.ingest().open(fs.principal(), path.virtual(), mode));
    }

    /** The file, directory or interrupted upload the principal sees at the path, if any. */
    private static Optional<FileEntry> existing(GatewayPath path) throws IOException {
        GatewayFileSystem fs = path.getFileSystem();
        try {
            return Optional.of(fs.files().stat(fs.principal(), path.virtual()));
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw IoErrors.translate(path, e);
        }
    }
}
