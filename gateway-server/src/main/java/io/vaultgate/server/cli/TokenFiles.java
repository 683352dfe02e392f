package io.vaultgate.server.cli;

import io.vaultgate.server.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** How {@code admin} and {@code monitor} hand a new API token over: into a file only its owner reads, or printed. */
final class TokenFiles {

    private TokenFiles() {
    }

    /** Writes {@code token} to {@code file} (0600; a missing directory is made 0700) if given, else prints it. */
    static String handOver(String token, Path file) {
        if (file == null) {
            return "its API token (shown once): " + token;
        }
        try {
            DataDirectory.writeSecret(file.toAbsolutePath(), token); // a bare file name has no parent to make private
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token to " + file + ": " + e.getMessage(), e);
        }
        return "its API token is in " + file;
    }
}
