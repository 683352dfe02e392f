package io.vaultgate.core.catalog;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded catalog readable by its owner only. The catalog holds every tenant's file names, accounts,
 * wrapped data keys and audit log; SQLite creates it with the umask's mode (0644 usually), which in a data
 * directory created by a package or an operator with 0755 lets every local user read it. The file is created
 * 0600 before SQLite opens it (SQLite gives its WAL and shared-memory files the database file's mode), and an
 * existing catalog, WAL or shared-memory file with group or other bits is made private, with a warning. A
 * directory it creates for the catalog is {@code rwx------}, as the data directory's others are.
 */
final class PrivateCatalogFiles {

    private static final Logger log = LoggerFactory.getLogger(PrivateCatalogFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PrivateCatalogFiles() {
    }

    /**
     * Creates the catalog's directory {@code dir} and its missing parents for their owner only, not with the
     * umask's mode (0755 usually), which would let every local user list the catalog and its companions. An
     * existing directory is left as it is: the doctor's data-dir-mode check reports one open to others.
     */
    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir);
            return;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    }

    static void secure(Path catalog) throws IOException {
        if (!catalog.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.createFile(catalog, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException existing) {
            // opened below like its companions
        }
        for (Path file : List.of(catalog, sibling(catalog, "-wal"), sibling(catalog, "-shm"))) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY.containsAll(mode)) {
                Files.setPosixFilePermissions(file, ownerBitsOf(mode));
                log.warn("catalog file {} was {}: made readable and writable by its owner only", file,
                        PosixFilePermissions.toString(mode));
            }
        }
    }

    private static Set<PosixFilePermission> ownerBitsOf(Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> owner = EnumSet.copyOf(mode);
        owner.retainAll(OWNER_ONLY);
        return owner;
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }
}
