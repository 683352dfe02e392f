package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.path.VirtualPath;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/**
 * One SFTP session's view of the gateway: the virtual namespace of one principal, backed by the core's
 * {@link FileService} and {@link IngestService}. Nothing here touches a real disk path; every name is turned
 * into a {@link VirtualPath} by the core's path policy before the core sees it.
 */
public final class GatewayFileSystem extends BaseFileSystem<GatewayPath> {

    private final Principal principal;
    private final FileService files;
    private final IngestService ingest;
    private volatile boolean open = true;
    private volatile Path lastCreatedDirectory;
    private final Set<Path> openUploads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    GatewayFileSystem(GatewayFileSystemProvider provider, Principal principal, FileService files, IngestService ingest) {
        super(provider);
        this.principal = Objects.requireNonNull(principal, "principal");
        this.files = Objects.requireNonNull(files, "files");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
    }

    public Principal principal() {
        return principal;
    }

    FileService files() {
        return files;
    }

    IngestService ingest() {
        return ingest;
    }

    /** The path of an entry the core listed, carrying the entry so no second look-up is needed. */
    GatewayPath pathOf(FileEntry entry) {
        return new GatewayPath(this, "/", entry.path().segments(), entry);
    }

    /**
     * Remembers the directory a MKDIR request just created, by identity, so that the permission bits clients
     * send with MKDIR (OpenSSH always sends 0777) are ignored for that request only.
     */
    void createdDirectory(Path path) {
        lastCreatedDirectory = path;
    }

    boolean isJustCreatedDirectory(Path path) {
        if (lastCreatedDirectory == path) {
            lastCreatedDirectory = null;
            return true;
        }
        return false;
    }

    /** Notes the path of a write handle this session opened (the handle's own path object) until it closes. */
    void uploadOpened(Path path) {
        openUploads.add(path);
    }

    void uploadClosed(Path path) {
        openUploads.remove(path);
    }

    /** Whether {@code path} is the path of a write handle this session has open (an FSETSTAT on that handle). */
    boolean isOpenUpload(Path path) {
        return openUploads.contains(path);
    }

    /**
     * Whether the principal sees a directory at {@code path}: asked only after the core refused an operation on
     * it, to answer with the status SFTP has for directories.
     */
    boolean isDirectory(GatewayPath path) {
        try {
            return files.stat(principal, path.virtual()).directory();
        } catch (GatewayException e) {
            return false;
        }
    }

    @Override
    protected GatewayPath create(String root, List<String> names) {
        return new GatewayPath(this, root, names, null);
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("owners cannot be changed in the gateway");
    }
}
