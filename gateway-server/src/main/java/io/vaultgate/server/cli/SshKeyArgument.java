package io.vaultgate.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** An {@code --ssh-key} value: an OpenSSH public key file or the key line itself. */
final class SshKeyArgument {

    private SshKeyArgument() {
    }

    static String keyLine(String fileOrLine) {
        if (fileOrLine.startsWith("ssh-") || fileOrLine.startsWith("ecdsa-")) {
            return fileOrLine;
        }
        Path file = Path.of(fileOrLine.startsWith("~/")
                ? System.getProperty("user.home") + fileOrLine.substring(1) : fileOrLine);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("--ssh-key " + fileOrLine + ": cannot read the file ("
                    + e.getClass().getSimpleName() + "); give a .pub file or a key line");
        }
    }
}
