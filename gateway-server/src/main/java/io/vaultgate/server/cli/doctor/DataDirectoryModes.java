package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.auth.SecretFile;
import io.vaultgate.server.config.StorageType;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory and every directory below it (and the object store's, when it is elsewhere) must be its owner's
 * only, {@code rwx------} as {@code init}, the object store, the demo and the receiver create them: a directory group
 * or others may read lists the secrets, keys, catalog and objects by name, one they may search (x) lets them open any
 * file whose own mode allows it, and one they may write lets them replace or plant files the gateway then reads. A
 * {@code chmod -R 755} or a restore under another umask does that; the key files' own modes are {@link KeyFileModes}'.
 * Symbolic links are not followed.
 */
final class DataDirectoryModes implements Check {

    static final String NAME = "data-dir-mode";

    @Override
    public List<Finding> run(DoctorContext context) throws IOException {
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(context.config().home());
        if (context.config().storage().type() == StorageType.FILESYSTEM) {
            roots.add(context.config().storageRoot());
        }
        List<Finding> findings = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!seen.add(dir.toAbsolutePath().normalize())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                    if (SecretFile.openToOthers(mode)) {
                        String shown = dir.equals(context.config().home()) ? dir.toString() : context.show(dir);
                        findings.add(new Finding(NAME, shown, "directory open to group or others ("
                                + PosixFilePermissions.toString(mode) + ", should be rwx------)", "run chmod 700 on "
                                + "it (chmod -R go-rwx " + context.config().home() + " fixes the whole data directory)"));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return findings;
    }
}
