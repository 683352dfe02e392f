package io.vaultgate.server.ops;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tools the ops tests use (promtool, prometheus, chromium), found on the PATH as Debian installs them. */
final class ExternalTool {

    /** What a finished command returned. */
    record Result(int exitCode, String output) {
    }

    private ExternalTool() {
    }

    /** The absolute path of {@code name} on the PATH; fails the test with the Debian package to install if absent. */
    static Path require(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed; install the Debian package " + debianPackage);
    }

    /** Runs {@code command} to its end (at most {@code seconds}), standard error merged into the output. */
    static Result run(long seconds, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("vaultgate-tool", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
            stop(process);
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!finished) {
                throw new AssertionError(command + " did not finish within " + seconds + " s:\n" + text);
            }
            return new Result(process.exitValue(), text);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static Result run(long seconds, String... command) throws IOException, InterruptedException {
        return run(seconds, List.of(command));
    }

    /** A TCP port free on loopback right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the process and its children by PID: SIGTERM, then SIGKILL after 10 s. */
    static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
