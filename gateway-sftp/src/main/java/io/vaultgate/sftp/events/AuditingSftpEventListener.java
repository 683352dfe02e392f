package io.vaultgate.sftp.events;

import io.vaultgate.core.LogText;
import io.vaultgate.sftp.auth.SessionPrincipal;
import io.vaultgate.sftp.fs.GatewayFileSystemAccessor;
import io.vaultgate.sftp.fs.GatewayPath;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns MINA's paired SFTP callbacks into one log line per decision: a transfer's outcome (committed with its
 * digest, kept as a resumable partial, failed), a refused open, a removal, a rename, a directory, a refused
 * link; and counts transfers and bytes in {@link SftpMetrics}. The tamper-evident audit events themselves
 * (logins, uploads committed/suspended/aborted, downloads, deletes, renames) are appended by the core's
 * services; these lines, on logger {@code vaultgate.sftp.transfers}, are the SFTP-level operational view
 * and never contain file contents or credentials.
 */
public final class AuditingSftpEventListener implements SftpEventListener {

    private static final Logger AUDIT = LoggerFactory.getLogger("vaultgate.sftp.transfers");
    private static final AttributeKey<AtomicLong> BYTES = new AttributeKey<>();

    private final SftpMetrics metrics;

    public AuditingSftpEventListener(SftpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void written(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
            byte[] data, int dataOffset, int dataLen, Throwable thrown) {
        if (thrown == null) {
            count(localHandle, dataLen);
            metrics.bytesIn(dataLen);
        }
    }

    @Override
    public void read(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
            int dataOffset, int dataLen, int readLen, Throwable thrown) {
        if (thrown == null && readLen > 0) {
            count(localHandle, readLen);
            metrics.bytesOut(readLen);
        }
    }

    @Override
    public void openFailed(ServerSession session, String remotePath, Path localPath, boolean isDirectory,
            Throwable thrown) {
        metrics.transfer(SftpMetrics.Transfer.OPEN_REFUSED);
        AUDIT.info("sftp open refused: user={} path={} reason={}", user(session), quoted(remotePath), reason(thrown));
    }

    @Override
    public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
        if (!(localHandle instanceof FileHandle)) {
            return;
        }
        long bytes = bytes(localHandle);
        if (!GatewayFileSystemAccessor.isUpload(localHandle)) {
            metrics.transfer(thrown == null ? SftpMetrics.Transfer.DOWNLOAD : SftpMetrics.Transfer.DOWNLOAD_FAILED);
            AUDIT.info("sftp download: user={} path={} bytes={} outcome={}", user(session), quoted(localHandle.getFile()),
                    bytes, thrown == null ? "closed" : reason(thrown));
        } else if (thrown != null) {
            metrics.transfer(SftpMetrics.Transfer.UPLOAD_FAILED);
            AUDIT.info("sftp upload failed: user={} path={} bytes={} reason={}", user(session),
                    quoted(localHandle.getFile()), bytes, reason(thrown));
        } else {
            metrics.transfer(SftpMetrics.Transfer.UPLOAD_COMMITTED);
            GatewayFileSystemAccessor.receiptOf(localHandle).ifPresent(r -> AUDIT.info(
                    "sftp upload committed: user={} path={} file={} size={} sha256={}", user(session), quoted(r.path()),
                    r.fileId(), r.size(), r.sha256()));
        }
    }

    @Override
    public void exiting(ServerSession session, Handle handle) {
        if (GatewayFileSystemAccessor.isUpload(handle)) {
            boolean kept = GatewayFileSystemAccessor.keepsPartial(handle);
            metrics.transfer(kept ? SftpMetrics.Transfer.UPLOAD_SUSPENDED : SftpMetrics.Transfer.UPLOAD_FAILED);
            AUDIT.info("sftp upload interrupted: user={} path={} bytes={} outcome={}", user(handle),
                    quoted(handle.getFile()), bytes(handle), kept ? "resumable-partial" : "discarded");
        }
    }

    @Override
    public void removed(ServerSession session, Path path, boolean isDirectory, Throwable thrown) {
        AUDIT.info("sftp remove: user={} path={} outcome={}", user(session), quoted(path), outcome(thrown));
    }

    @Override
    public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts,
            Throwable thrown) {
        AUDIT.info("sftp rename: user={} from={} to={} outcome={}", user(session), quoted(srcPath), quoted(dstPath),
                outcome(thrown));
    }

    @Override
    public void created(ServerSession session, Path path, Map<String, ?> attrs, Throwable thrown) {
        AUDIT.info("sftp mkdir: user={} path={} outcome={}", user(session), quoted(path), outcome(thrown));
    }

    @Override
    public void linked(ServerSession session, Path source, Path target, boolean symLink, Throwable thrown) {
        AUDIT.info("sftp link refused: user={} link={} symlink={}", user(session), quoted(source), symLink);
    }

    private static void count(Handle handle, long n) {
        if (n > 0) {
            handle.computeAttributeIfAbsent(BYTES, k -> new AtomicLong()).addAndGet(n);
        }
    }

    private static long bytes(Handle handle) {
        AtomicLong counter = handle.getAttribute(BYTES);
        return counter == null ? 0 : counter.get();
    }

    /** The principal of the handle's file system: still known when the session is already torn down. */
    private static String user(Handle handle) {
        return handle.getFile() instanceof GatewayPath path ? path.getFileSystem().principal().name() : "?";
    }

    private static String user(ServerSession session) {
        return SessionPrincipal.of(session).map(p -> p.name()).orElse("?");
    }

    private static String outcome(Throwable thrown) {
        return thrown == null ? "ok" : reason(thrown);
    }

    private static String reason(Throwable thrown) {
        return thrown.getClass().getSimpleName();
    }

    /** A client-chosen path as it goes into a log line: quoted, so a name with spaces cannot pose as more fields. */
    private static String quoted(Object path) {
        return LogText.quoted(String.valueOf(path));
    }
}
