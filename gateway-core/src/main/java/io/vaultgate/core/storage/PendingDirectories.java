package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a file-system store shows the directory it writes a tenant's objects to while they are uploaded,
 * {@code <root>/<tenant>/.pending}: {@link FileSystemObjectStore#create} makes it before an upload's first byte and
 * nothing removes it, so every interrupted upload had one. Where it is missing (the store's file system not mounted
 * yet, leaving an empty mount point, or a root that is not the one the uploads were written to), an object that is not
 * found there is no proof that it is gone ({@link ObjectStore#provesGone}, review23d M3).
 */
public final class PendingDirectories {

    /** The name of a tenant's directory of objects being written (the same as in {@link FileSystemObjectStore}). */
    public static final String NAME = ".pending";

    private PendingDirectories() {
    }

    /** True when {@code <root>/<tenant>/.pending} is a directory or a link to one (the store follows it). */
    public static boolean present(Path root, TenantId tenant) {
        return Files.isDirectory(root.resolve(tenant.value()).resolve(NAME));
    }
}
