package io.vaultgate.sftp.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A second, stock OpenSSH {@code sshd} on a loopback port with its own configuration and OpenSSH's own
 * {@code sftp-server}: the baseline for benchmarks. Plaintext files land in {@code root}.
 */
public final class OpenSshServer implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Process process;
    private final int port;

    private OpenSshServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static boolean isInstalled() {
        return Files.isExecutable(SSHD) && Files.isExecutable(Path.of("/usr/lib/openssh/sftp-server"));
    }

    /** Starts sshd accepting {@code authorizedKey} (an OpenSSH public key line) for the current user. */
    public static OpenSshServer start(Path directory, String authorizedKey) throws Exception {
        Path dir = Files.createDirectories(directory.resolve("sshd"));
        Path hostKey = dir.resolve("host_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        Files.writeString(dir.resolve("authorized_keys"), authorizedKey + "\n");
        Files.createDirectories(Path.of("/run/sshd"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
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
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                ""));
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return new OpenSshServer(process, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
    }

    public int port() {
        return port;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + new String(process.getInputStream().readAllBytes()));
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
