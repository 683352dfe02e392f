package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The embedded catalog's file is still the one the gateway opened. The catalog keeps a few SQLite
 * connections open, and an open connection goes on working on a file that was deleted or replaced under
 * it, so a query alone would say "up" while every commit lands in a file nobody will ever open again. This
 * check compares the file's identity (device and inode) with the one seen at start-up, and checks that the
 * file is still readable and writable, by access and by mode ({@link OwnerPermissions}): an open connection
 * keeps working on a file made unreadable, but the next one the pool opens does not.
 */
public final class CatalogFileCheck implements ReadinessCheck {

    private final Path file;
    private final Object identity;

    private CatalogFileCheck(Path file, Object identity) {
        this.file = file;
        this.identity = identity;
    }

    /** Remembers the identity of {@code file} now, while the catalog is known to be open on it. */
    public static CatalogFileCheck of(Path file) {
        return new CatalogFileCheck(file, identity(file));
    }

    @Override
    public CheckResult check() {
        if (!Files.isRegularFile(file)) {
            return CheckResult.down("catalog-file", "the catalog file " + file + " is missing; restore it and restart");
        }
        Object now = identity(file);
        if (identity != null && !Objects.equals(identity, now)) {
            return CheckResult.down("catalog-file", "the catalog file " + file
                    + " was replaced while the gateway runs; restart the gateway");
        }
        if (!Files.isReadable(file) || !Files.isWritable(file)) {
            return CheckResult.down("catalog-file", "the catalog file " + file + " is not readable and writable");
        }
        return OwnerPermissions.lacking(file, OwnerPermissions.READ_WRITE)
                .map(why -> CheckResult.down("catalog-file", "the catalog file " + file + " is not readable and "
                        + "writable: " + why + "; restore it with chmod u+rw"))
                .orElse(CheckResult.up("catalog-file"));
    }

    private static Object identity(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
