package io.vaultgate.core.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The one rule for a file holding a secret the gateway reads (S3 credentials, the catalog password): only its owner
 * may read or write it. Checked before the file is read, so a secret others could read, or replace, is refused
 * rather than used.
 */
public final class SecretFile {

    private SecretFile() {
    }

    /** Whether {@code mode} gives group or others any access. */
    public static boolean openToOthers(Set<PosixFilePermission> mode) {
        return mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
    }

    /** @throws IOException naming the file and the fix if group or others may access it, or it cannot be read */
    public static void requireOwnerOnly(Path file) throws IOException {
        if (openToOthers(Files.getPosixFilePermissions(file))) {
            throw new IOException(file + " may be read or written by others than its owner; chmod 600 it");
        }
    }
}
