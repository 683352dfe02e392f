package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.files.StoredDigest;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.sftp.auth.SessionPrincipal;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encrypting file-system accessor: where MINA's SFTP subsystem turns client requests into file access.
 * Names go through the core's path policy; a write handle is an {@link UploadChannel} over the core's ingest
 * API (APPEND, as sent by {@code reput}, resumes the caller's partial upload), a read handle a
 * {@link ContentChannel} over decrypted content (also used, without a handle, by {@code check-file-name} for a range;
 * a whole file's SHA-256 is the one recorded at upload, {@link #storedDigest(Path)}). Links, locks,
 * server-side copy, fsync, and changing anything but times are refused with {@code SSH_FX_OP_UNSUPPORTED}; times are
 * accepted and not kept, for a name that exists or an upload this session has open ({@code FSETSTAT} before CLOSE). A name that tries to
 * leave the namespace ({@link PathEscapes}) is also an offence of the session's source address for the defender.
 */
public final class GatewayFileSystemAccessor implements SftpFileSystemAccessor {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayFileSystemAccessor.class);

    private static final Set<String> TIMES = Set.of("lastModifiedTime", "lastAccessTime", "creationTime");

    private final AccessControl access;

    /** An accessor that reports nothing to a defender (for tests of the file system alone). */
    public GatewayFileSystemAccessor() {
        this(AccessControl.open());
    }

    /** @param access where a path that tries to leave the namespace is reported as an offence of its source */
    public GatewayFileSystemAccessor(AccessControl access) {
        this.access = access;
    }

    @Override
    public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath) {
        GatewayPath cwd = (GatewayPath) rootDir;
        try {
            return cwd.getFileSystem().getPath(PathPolicy.resolve(cwd.virtual(), remotePath).toString());
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.INVALID_PATH && subsystem != null
                    && PathPolicy.isEscapeAttempt(cwd.virtual(), remotePath)) {
                String source = SessionPrincipal.sourceAddress(subsystem.getServerSession());
                LOG.info("sftp path escape attempt: user={} from={}", cwd.getFileSystem().principal().name(), source);
                access.offence(source, Offence.PATH_ESCAPE);
            }
            throw e;
        }
    }

    @Override
    public LinkOption[] resolveFileAccessLinkOptions(SftpSubsystemProxy subsystem, Path file, int cmd,
            String extension, boolean followLinks) {
        return IoUtils.EMPTY_LINK_OPTIONS;
    }

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
            String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        boolean write = options.contains(StandardOpenOption.WRITE);
        if (fileHandle == null && write) {
            throw refused("changing a file's size");
        }
        GatewayPath path = (GatewayPath) file;
        GatewayFileSystem fs = path.getFileSystem();
        Principal principal = fs.principal();
        if (write) {
            UploadChannel upload = WriteOpen.open(path, options, fileHandle.isOpenAppend());
            fs.uploadOpened(path);
            return upload;
        }
        try {
            return new ContentChannel(file, fs.files().open(principal, path.virtual()));
        } catch (GatewayException e) {
            throw readFailure(path, e);
        }
    }

    /**
     * The size and SHA-256 recorded when the committed file at {@code file} was uploaded, refused as opening it for
     * reading is, but without opening it (nothing is decrypted): a whole-file {@code check-file-name} answer.
     */
    public static StoredDigest storedDigest(Path file) throws IOException {
        GatewayPath path = (GatewayPath) file;
        GatewayFileSystem fs = path.getFileSystem();
        try {
            return fs.files().storedDigest(fs.principal(), path.virtual());
        } catch (GatewayException e) {
            throw readFailure(path, e);
        }
    }

    /** The channel of a handle that reads a committed file ({@code check-file-handle} hashes it), if it is one. */
    public static Optional<SeekableByteChannel> readChannel(Handle handle) {
        return handle instanceof FileHandle file && file.getFileChannel() instanceof ContentChannel content
                ? Optional.of(content) : Optional.empty();
    }

    /**
     * The size and SHA-256 recorded at upload of the file a {@link #readChannel} reads; nothing is decrypted, and it is
     * refused as the handle's next read would be (an operator's lease that ended: {@code SSH_FX_PERMISSION_DENIED}).
     */
    public static StoredDigest storedDigest(SeekableByteChannel readChannel) throws IOException {
        return ((ContentChannel) readChannel).storedDigest();
    }

    /** A failure to read {@code path}: a directory is said to be one, the rest as {@link IoErrors} raises it. */
    private static IOException readFailure(GatewayPath path, GatewayException e) {
        if (e.reason() == GatewayException.Reason.NOT_FOUND && path.getFileSystem().isDirectory(path)) {
            return new SftpException(SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY, path + " is a directory");
        }
        return IoErrors.translate(path, e);
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel, Set<? extends OpenOption> options) throws IOException {
        if (channel instanceof UploadChannel upload && upload.isOpen()) {
            ((GatewayPath) file).getFileSystem().uploadClosed(file);
            if (ClientCloseListener.closedByClient(fileHandle)) {
                upload.commit();
            } else {
                upload.close();
            }
        } else if (channel != null && channel.isOpen()) {
            channel.close();
        }
    }

    @Override
    public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir,
            String handle, LinkOption... linkOptions) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute,
            Object value, LinkOption... options) throws IOException {
        if (!TIMES.contains(attribute)) {
            throw refused("changing " + attribute);
        }
        GatewayFileSystem fs = ((GatewayPath) file).getFileSystem();
        if (!fs.isOpenUpload(file)) {
            fs.provider().checkAccess(file);
        }
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms,
            LinkOption... options) throws IOException {
        if (!((GatewayPath) file).getFileSystem().isJustCreatedDirectory(file)) {
            throw refused("changing permissions");
        }
    }

    @Override
    public UserPrincipal resolveFileOwner(SftpSubsystemProxy subsystem, Path file, UserPrincipal name)
            throws IOException {
        throw refused("changing the owner");
    }

    @Override
    public GroupPrincipal resolveGroupOwner(SftpSubsystemProxy subsystem, Path file, GroupPrincipal name)
            throws IOException {
        throw refused("changing the group");
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path file, java.security.Principal value,
            LinkOption... options) throws IOException {
        throw refused("changing the owner");
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, java.security.Principal value,
            LinkOption... options) throws IOException {
        throw refused("changing the group");
    }

    @Override
    public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl,
            LinkOption... options) throws IOException {
        throw refused("changing access control lists");
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink)
            throws IOException {
        throw refused(symLink ? "symbolic links" : "hard links");
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
        throw refused("symbolic links");
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts)
            throws IOException {
        throw refused("server-side copy");
    }

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel, long position, long size, boolean shared) throws IOException {
        throw refused("byte-range locks");
    }

    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
            Channel channel) throws IOException {
        throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED,
                "fsync is not supported: an upload is made durable when its handle is closed");
    }

    /** The receipt of an upload the client closed successfully through this handle, if any. */
    public static Optional<Receipt> receiptOf(Handle handle) {
        if (handle instanceof FileHandle file && file.getFileChannel() instanceof UploadChannel upload) {
            return upload.receipt();
        }
        return Optional.empty();
    }

    /**
     * Whether an upload handle closed now, without the client's CLOSE (its session ended), leaves a resumable
     * partial: not when nothing was written to a new upload, nor after a failed write.
     */
    public static boolean keepsPartial(Handle handle) {
        return handle instanceof FileHandle file && file.getFileChannel() instanceof UploadChannel upload
                && upload.keepsPartial();
    }

    /** Whether the handle writes an upload (as opposed to reading a file or listing a directory). */
    public static boolean isUpload(Handle handle) {
        return handle instanceof FileHandle file && file.getFileChannel() instanceof UploadChannel;
    }

    private static SftpException refused(String what) {
        return new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, "not supported: " + what);
    }
}
