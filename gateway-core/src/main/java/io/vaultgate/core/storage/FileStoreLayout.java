package io.vaultgate.core.storage;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a file-system store keeps what: {@code <root>/<tenant>/<object id>} when committed,
 * {@code <root>/<tenant>/.pending/<object id>} while being written, and its marker {@code <root>/.vaultgate-store}
 * ({@link FileStoreMarker}). Directories are created 0700, each one's entry flushed in its parent at its creation.
 */
final class FileStoreLayout {

    /** A tenant's directory of objects being written. */
    static final String PENDING = ".pending";

    private final Path root;

    /** The layout under {@code root}, which is created (0700) if missing. */
    FileStoreLayout(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        createPrivateDirectories(this.root);
    }

    Path root() {
        return root;
    }

    /** The tenant's directory of committed objects, created if missing. */
    Path tenantDir(TenantId tenant) throws IOException {
        Path dir = root.resolve(tenant.value());
        createPrivateDirectories(dir);
        return dir;
    }

    /** The tenant's directory of objects being written (its parent created if missing, not itself). */
    Path pendingDir(TenantId tenant) throws IOException {
        return tenantDir(tenant).resolve(PENDING);
    }

    /** A committed object's path; nothing is created (a read must not make directories). */
    Path committed(TenantId tenant, ObjectId id) {
        return committed(root, tenant, id);
    }

    /** A committed object's path under {@code root} (absolute and normalized), for a store not opened yet. */
    static Path committed(Path root, TenantId tenant, ObjectId id) {
        return root.resolve(tenant.value()).resolve(id.value());
    }

    /**
     * Creates {@code dir} (0700) and its missing parents, flushing the parent of each one created, once, at its
     * creation: a tenant's first commit or partial flushes only the directory the object is in, so a power loss could
     * otherwise lose the new directory's own entry, with the object under it (crash-consistency audit L3).
     */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            DurableFile.createDirectories(dir, DurableFile.Mode.OWNER_ONLY);
        }
    }

    /** Makes the directory's entries durable; a directory that is gone has nothing to make durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (NoSuchFileException gone) {
            // nothing to make durable
        }
    }
}
