package io.vaultgate.sftp.fs;

import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import java.nio.file.LinkOption;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.file.util.BasePath;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.fs.WithFileAttributes;

/**
 * A path in a {@link GatewayFileSystem}. It is only a name: {@link #virtual()} passes it through the core's
 * path policy each time it is used. A path that came from a directory listing also carries the listed entry,
 * which MINA uses for the listing reply ({@link WithFileAttributes}) instead of asking again per name.
 */
public final class GatewayPath extends BasePath<GatewayPath, GatewayFileSystem> implements WithFileAttributes {

    private final FileEntry listed;

    GatewayPath(GatewayFileSystem fileSystem, String root, List<String> names, FileEntry listed) {
        super(fileSystem, root, names);
        this.listed = listed;
    }

    /** The virtual path, as validated by the core's {@link PathPolicy}. */
    public VirtualPath virtual() {
        return PathPolicy.parse(toAbsolutePath().toString());
    }

    /** There are no links, so the real path is the normalized absolute path (never above the root). */
    @Override
    public GatewayPath toRealPath(LinkOption... options) {
        return toAbsolutePath().normalize();
    }

    Optional<FileEntry> listed() {
        return Optional.ofNullable(listed);
    }

    @Override
    public SftpClient.Attributes getAttributes() {
        return listed == null ? null : EntryAttributes.of(listed).toSftp();
    }
}
