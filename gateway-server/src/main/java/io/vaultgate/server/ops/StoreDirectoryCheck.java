package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local object store's root directory exists, is a directory, and its mode lets the gateway write into
 * it. The core's {@code store} check writes a probe object, which proves the store works for the user the
 * gateway runs as; this one also catches a mode that only root can get past (see {@link OwnerPermissions}).
 */
public final class StoreDirectoryCheck implements ReadinessCheck {

    static final String NAME = "store-directory";

    private final Path root;

    public StoreDirectoryCheck(Path root) {
        this.root = root;
    }

    @Override
    public CheckResult check() {
        if (!Files.isDirectory(root)) {
            return CheckResult.down(NAME, "the object store directory " + root + " is missing or not a directory");
        }
        if (!Files.isWritable(root)) {
            return CheckResult.down(NAME, "the object store directory " + root + " is not writable");
        }
        return OwnerPermissions.lacking(root, OwnerPermissions.DIRECTORY)
                .map(why -> CheckResult.down(NAME, "the object store directory " + root + " is not writable: " + why
                        + "; restore it with chmod u+rwx"))
                .orElse(CheckResult.up(NAME));
    }
}
