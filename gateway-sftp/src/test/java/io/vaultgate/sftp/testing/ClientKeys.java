package io.vaultgate.sftp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client key pairs made by the real {@code ssh-keygen}, so both OpenSSH and MINA read OpenSSH's own format. */
public final class ClientKeys {

    public record Key(Path privateKey, String publicLine) {
    }

    private ClientKeys() {
    }

    public static Path privateKeyFile(Path directory, String user, String type) {
        return directory.resolve("client-keys").resolve(user + "_" + type);
    }

    /** {@code type} is an {@code ssh-keygen -t} value: {@code ed25519}, {@code rsa} (3072 bits), {@code ecdsa}. */
    public static Key generate(Path directory, String user, String type) throws Exception {
        Path file = privateKeyFile(directory, user, type);
        Files.createDirectories(file.getParent());
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-C", user + "@test",
                "-f", file.toString()).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed: " + new String(process.getInputStream().readAllBytes()));
        }
        return new Key(file, Files.readString(file.resolveSibling(file.getFileName() + ".pub")).trim());
    }
}
