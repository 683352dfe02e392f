package io.vaultgate.server.scaleout;

import io.vaultgate.server.ChildJvmArchive;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real gateway as operators run it, {@code java -jar vaultgate.jar run}, in a child process: a serving
 * node ({@link #start}) on free loopback ports, ready once its {@code /health/ready} answers 200. A node is stopped by its PID: {@link #kill()} is SIGKILL, as a crashed
 * machine; {@link #close()} is SIGTERM, then SIGKILL if it does not end.
 */
final class GatewayProcess implements AutoCloseable {

    static final Path JAR = ChildJvmArchive.JAR;

    final String name;
    final Path home;
    final int sftpPort;
    final int httpsPort;
    final int opsPort;
    private final Process process;
    private final Path log;
    private volatile String lastReadiness = "(not asked yet)";

    private GatewayProcess(String name, Path home, int sftpPort, int httpsPort, int opsPort, Process process,
                           Path log) {
        this.name = name;
        this.home = home;
        this.sftpPort = sftpPort;
        this.httpsPort = httpsPort;
        this.opsPort = opsPort;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code vaultgate run} on free loopback ports; returns once it is ready (or fails with its log). */
    static GatewayProcess start(String name, Path home, Map<String, String> env, Map<String, String> settings)
            throws IOException, InterruptedException {
        int sftp = freePort();
        int https = freePort();
        int ops = freePort();
        Map<String, String> all = new java.util.LinkedHashMap<>(settings);
        all.putAll(Map.of("sftp.bind", "127.0.0.1", "sftp.port", String.valueOf(sftp),
                "https.bind", "127.0.0.1", "https.port", String.valueOf(https),
                "ops.bind", "127.0.0.1", "ops.port", String.valueOf(ops)));
        Path log = logFile(name);
        ProcessBuilder builder = new ProcessBuilder(command(home, all, "run")).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        GatewayProcess node = new GatewayProcess(name, home, sftp, https, ops, builder.start(), log);
        try {
            node.awaitReady(Duration.ofSeconds(240));
        } catch (RuntimeException | IOException | InterruptedException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** Node logs go to target/scaleout-logs/, kept after the run for whoever investigates a failure. */
    static Path logFile(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "scaleout-logs")).resolve(name + ".log");
    }

    private static List<String> command(Path home, Map<String, String> settings, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(ChildJvmArchive.options());
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--home", home.toString()));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        return command;
    }

    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (ready()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " (pid " + process.pid() + ", alive " + process.isAlive()
                + ") not ready within " + timeout + " (last /health/ready: " + lastReadiness + "); log "
                + log.toAbsolutePath() + ":\n" + logTail());
    }

    /** Kept alive between polls: a client per poll holds a connection each until the ops listener's idle limit. */
    private static final HttpClient OPS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    boolean ready() throws InterruptedException {
        try {
            HttpResponse<String> response = OPS_CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + opsPort + "/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            lastReadiness = response.statusCode() + " " + response.body();
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            lastReadiness = notYet.toString();
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the node dies mid-whatever, as with a power cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The timestamp of the first log line containing {@code text} (lines start with an ISO-8601 instant). */
    Instant logTime(String text) throws IOException {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(text)) {
                return Instant.parse(line.substring(0, line.indexOf(' ')));
            }
        }
        throw new AssertionError(name + " logged no line containing " + text + ":\n" + logTail());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
