package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The SFTP baseline: a second stock {@code /usr/sbin/sshd} on a loopback port, run as the current user in
 * the foreground with its own configuration, host key and authorized_keys in a temporary directory, serving
 * OpenSSH's own {@code sftp-server}, which writes plaintext and does not fsync.
 */
final class OpenSshBaseline {
    private OpenSshBaseline() {
    }

    static Server start(Path work, Path clientKey) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("sshd"));
        Path files = Files.createDirectories(work.resolve("sshd-files"));
        Path hostKey = dir.resolve("host_ed25519");
        Commands.run(dir, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        int port = Commands.freePort();
        Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PidFile none",
                "MaxSessions 64",
                "MaxStartups 100:30:200",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                ""));
        Path log = dir.resolve("sshd.log");
        Process process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Commands.awaitPort(port, process, log);
        String user = System.getProperty("user.name");
        return new Server("openssh", "-", process,
                Optional.of(new Endpoints.Sftp(port, List.of(new Endpoints.Login(user, clientKey)), files.toString(), List.of())), Optional.empty(),
                Optional.empty());
    }
}
