package io.vaultgate.core.files;

import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;
import java.util.List;

/**
 * Everything but writing file contents: listing, metadata, reading, deleting, renaming and creating
 * directories in a principal's virtual namespace. Every method checks the principal's grants and raises
 * {@link io.vaultgate.core.GatewayException}; a path outside the principal's namespace is reported as
 * not found, so its existence is never revealed.
 */
public interface FileService {

    List<FileEntry> list(Principal principal, VirtualPath directory);

    FileEntry stat(Principal principal, VirtualPath path);

    FileContent open(Principal principal, VirtualPath path);

    void delete(Principal principal, VirtualPath path);

    void rename(Principal principal, VirtualPath from, VirtualPath to);

    void createDirectory(Principal principal, VirtualPath path);
}
