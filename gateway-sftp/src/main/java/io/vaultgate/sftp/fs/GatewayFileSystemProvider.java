package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.PageRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Answers the {@code java.nio.file} calls MINA's SFTP code makes (existence checks, attributes, listings,
 * mkdir, rm, rename) from the core's {@code FileService}. File contents never pass through here: opening is
 * {@link GatewayFileSystemAccessor}'s job. Stateless; one instance serves every session.
 */
final class GatewayFileSystemProvider extends FileSystemProvider {

    /** Entries per listing page an open directory handle holds. */
    private final int listingPage;

    GatewayFileSystemProvider() {
        this(PageRequest.MAX_LIMIT);
    }

    GatewayFileSystemProvider(int listingPage) {
        this.listingPage = listingPage;
    }

    @Override
    public String getScheme() {
        return "vaultgate";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("gateway file systems are created per SFTP session");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("gateway file systems are created per SFTP session");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("gateway paths have no URI");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        throw new UnsupportedOperationException("files are opened through the SFTP file-system accessor");
    }

    /** The directory's entries, read from the core a page at a time as the stream is iterated. */
    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        GatewayPath path = gateway(dir);
        return new PagedDirectoryStream(path.getFileSystem(), dir, path.virtual(), filter, PageRequest.first(listingPage));
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        GatewayPath path = gateway(dir);
        GatewayFileSystem fs = path.getFileSystem();
        IoErrors.run(dir, () -> fs.files().createDirectory(fs.principal(), path.virtual()));
        fs.createdDirectory(dir);
    }

    /**
     * Removes a file or an empty directory. The core refuses a directory that still holds something with
     * {@code CONFLICT}; that is answered as {@link DirectoryNotEmptyException} ({@code SSH_FX_DIR_NOT_EMPTY}), not as
     * the "already exists" a conflict means elsewhere. A directory that no MKDIR made, which exists only because
     * files were uploaded below it, is "not found" to the core's delete; it is not empty either.
     */
    @Override
    public void delete(Path target) throws IOException {
        GatewayPath path = gateway(target);
        GatewayFileSystem fs = path.getFileSystem();
        try {
            fs.files().delete(fs.principal(), path.virtual());
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.CONFLICT
                    || e.reason() == GatewayException.Reason.NOT_FOUND && fs.isDirectory(path)) {
                throw new DirectoryNotEmptyException(target.toString());
            }
            throw IoErrors.translate(target, e);
        }
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw new UnsupportedOperationException("server-side copy is not supported");
    }

    /**
     * Renames a file (atomic in the core, never over an existing name). The core renames files only; a directory
     * is refused with {@code SSH_FX_OP_UNSUPPORTED} rather than the "not found" the core answers for it.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        GatewayPath from = gateway(source);
        GatewayPath to = gateway(target);
        GatewayFileSystem fs = from.getFileSystem();
        try {
            fs.files().rename(fs.principal(), from.virtual(), to.virtual());
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.NOT_FOUND && fs.isDirectory(from)) {
                throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, source
                        + ": directories cannot be renamed; make the new directory and rename the files into it");
            }
            throw IoErrors.translate(source, e);
        }
    }

    @Override
    public boolean isSameFile(Path path, Path path2) {
        return path.equals(path2);
    }

    @Override
    public boolean isHidden(Path path) {
        return false;
    }

    /**
     * The tenant quota that uploads at {@code path} count against, as a {@link FileStore}: what MINA answers
     * {@code space-available} (and, through {@code StatVfsBridge}, {@code statvfs@openssh.com}) from. The path must
     * exist for the principal, as for {@code statvfs(2)}.
     */
    @Override
    public FileStore getFileStore(Path path) throws IOException {
        entry(path);
        GatewayPath gateway = gateway(path);
        GatewayFileSystem fs = gateway.getFileSystem();
        return new GatewayFileStore(IoErrors.call(path, () -> fs.files().space(fs.principal(), gateway.virtual())));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        entry(path);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        if (!type.isAssignableFrom(EntryAttributes.class)) {
            throw new UnsupportedOperationException("attributes " + type.getSimpleName() + " are not supported");
        }
        return (A) EntryAttributes.of(entry(path));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        if (!view.equals("basic") && !view.equals("posix")) {
            throw new UnsupportedOperationException("attribute view " + view + " is not supported");
        }
        Map<String, Object> all = EntryAttributes.of(entry(path)).asMap(view.equals("posix"));
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (names.equals("*")) {
            return all;
        }
        Set<String> wanted = Set.of(names.split(","));
        all.keySet().retainAll(wanted);
        return all;
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw new UnsupportedOperationException("attributes cannot be changed");
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        throw new NotLinkException(link.toString());
    }

    private static FileEntry entry(Path path) throws IOException {
        GatewayPath gateway = gateway(path);
        if (gateway.listed().isPresent()) {
            return gateway.listed().get();
        }
        GatewayFileSystem fs = gateway.getFileSystem();
        return IoErrors.call(path, () -> fs.files().findResumable(fs.principal(), gateway.virtual()))
                .orElseThrow(() -> new NoSuchEntry(String.valueOf(path), gateway.virtual()));
    }

    private static GatewayPath gateway(Path path) {
        if (path instanceof GatewayPath gateway) {
            return gateway;
        }
        throw new ProviderMismatchException("not a gateway path: " + path.getClass().getName());
    }
}
