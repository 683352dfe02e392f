package io.vaultgate.server.forward;

import io.vaultgate.server.ChildJvmArchive;
import io.vaultgate.server.Vaultgate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar vaultgate.jar run} in a child process on free loopback ports, ready once it prints its
 * ready line; {@link #kill()} is SIGKILL (a crash), {@link #close()} SIGTERM. Its log is kept in
 * {@code target/forward-logs/} for whoever investigates a failure.
 */
final class GatewayRun implements AutoCloseable {

    private static final Path JAR = ChildJvmArchive.JAR;

    final int httpsPort;
    /** The SFTP port, or 0 when SFTP is off. */
    final int sftpPort;
    private final Process process;
    private final Path log;

    private GatewayRun(int httpsPort, int sftpPort, Process process, Path log) {
        this.httpsPort = httpsPort;
        this.sftpPort = sftpPort;
        this.process = process;
        this.log = log;
    }

    /** HTTPS only. */
    static GatewayRun start(String name, Path home) throws IOException, InterruptedException {
        return start(name, home, false);
    }

    /** HTTPS, and SFTP too if {@code sftp}. */
    static GatewayRun start(String name, Path home, boolean sftp) throws IOException, InterruptedException {
        return start(name, home, sftp, Map.of());
    }

    /** HTTPS, and SFTP too if {@code sftp}, with {@code settings} given as {@code --set key=value}. */
    static GatewayRun start(String name, Path home, boolean sftp, Map<String, String> settings)
            throws IOException, InterruptedException {
        int https = freePort();
        int ssh = sftp ? freePort() : 0;
        Path log = Files.createDirectories(Path.of("target", "forward-logs")).resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(ChildJvmArchive.options());
        command.addAll(List.of("-jar", JAR.toString(), "run",
                "--home", home.toString(), "--set", "https.bind=127.0.0.1", "--set", "https.port=" + https,
                "--set", "ops.enabled=false"));
        if (sftp) {
            command.addAll(List.of("--set", "sftp.bind=127.0.0.1", "--set", "sftp.port=" + ssh));
        } else {
            command.addAll(List.of("--set", "sftp.enabled=false"));
        }
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayRun run = new GatewayRun(https, ssh, process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("Vaultgate is ready")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                run.kill();
                throw new IllegalStateException(name + " did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return run;
    }

    /** SIGKILL: the gateway dies wherever it is, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Runs a {@code vaultgate} command in this process (set-up on a home no gateway is running on); its output. */
    static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        if (code != 0) {
            throw new AssertionError(String.join(" ", args) + " exited " + code + "\n" + out + err);
        }
        return out.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
