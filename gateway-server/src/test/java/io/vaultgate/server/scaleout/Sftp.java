package io.vaultgate.server.scaleout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real OpenSSH {@code sftp}, in batch mode, with a client key and a known_hosts file pinning the gateway. */
final class Sftp {

    private final Path key;
    private final Path knownHosts;
    private final String user;

    Sftp(Path key, Path knownHosts, String user) {
        this.key = key;
        this.knownHosts = knownHosts;
        this.user = user;
    }

    /** Runs the batch commands; returns sftp's exit code (0 only if every command succeeded). */
    int batch(int port, String commands, int timeoutSeconds) throws IOException, InterruptedException {
        Process process = start(port);
        try (OutputStream in = process.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /** Starts an sftp session reading batch commands from its stdin (the caller writes and closes it). */
    Process start(int port) throws IOException {
        return new ProcessBuilder(List.of("sftp", "-b", "-", "-i", key.toString(),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5", "-P", String.valueOf(port),
                user + "@127.0.0.1")).redirectErrorStream(true).start();
    }
}
