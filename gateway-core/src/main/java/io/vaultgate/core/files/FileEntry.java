package io.vaultgate.core.files;

import io.vaultgate.core.path.VirtualPath;
import java.time.Instant;
import java.util.Objects;

/**
 * What a principal sees of one name in its namespace: a file or a directory.
 *
 * @param size plaintext bytes; for a partial upload, the bytes stored so far (where a resume continues)
 * @param partial true for an interrupted upload that only its uploader sees
 */
public record FileEntry(VirtualPath path, boolean directory, long size, Instant modified, boolean partial) {

    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(modified, "modified");
    }

    public static FileEntry directory(VirtualPath path, Instant modified) {
        return new FileEntry(path, true, 0, modified, false);
    }

    /** The same entry seen under another path (an operator's view of a tenant's file). */
    public FileEntry withPath(VirtualPath other) {
        return new FileEntry(other, directory, size, modified, partial);
    }

    public String name() {
        return path.fileName();
    }
}
