package io.vaultgate.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vaultgate.server.demo.DemoConsole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK 25's AOT cache through the real launcher and jar: {@code ./vaultgate aot-train} on an installed JDK 25 writes
 * the cache (and leaves no training data directory behind), {@code ./vaultgate demo} then starts with it, its classes
 * coming from the cache, and serves an SFTP upload with the real OpenSSH {@code sftp}; and a cache that no longer
 * matches the jar (a copy of it, with another time stamp) is ignored by the JVM, which starts all the same.
 * Skipped where no JDK 25 or later is installed under /usr/lib/jvm.
 */
class AotTrainIT {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "vaultgate.jar").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void aotTrain_writesTheCache_whichTheDemoStartsWith_andServesAnUpload() throws Exception {
        Optional<Path> jdk = jdk25();
        assumeThat(jdk).as("AOT caches need JDK 25 or later; none is installed under /usr/lib/jvm").isPresent();
        Path aot = work.resolve("aot");
        Path tmp = Files.createDirectories(work.resolve("tmp"));

        Result training = launch(List.of("aot-train", "--uploads", "20"), Map.of("JAVA_HOME", jdk.get().toString(),
                "VAULTGATE_AOT_DIR", aot.toString(), "VAULTGATE_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp), 150);

        assertThat(training.exitCode()).as(training.output()).isZero();
        assertThat(training.output()).contains("aot-train: 20 SFTP uploads in 1 session,")
                .contains("AOT cache written");
        Path cache;
        try (Stream<Path> files = Files.list(aot)) {
            cache = files.filter(file -> file.getFileName().toString().matches("vaultgate-.*\\.aot")).findFirst()
                    .orElseThrow(() -> new AssertionError("no cache in " + aot + ": " + training.output()));
        }
        assertThat(Files.size(cache)).as("a cache of classes and profiles").isGreaterThan(10L << 20);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the training data directory is deleted").isEmpty();
        }

        Path classLoading = work.resolve("class-load.log");
        ProcessBuilder demoStart = new ProcessBuilder(LAUNCHER.toString(), "demo", "--home", "var", "--set",
                "sftp.port=0", "--set", "https.port=0", "--set", "ops.port=0").directory(work.toFile())
                .redirectError(work.resolve("demo.log").toFile());
        clean(demoStart);
        demoStart.environment().putAll(Map.of("JAVA_HOME", jdk.get().toString(), "VAULTGATE_AOT_DIR", aot.toString(),
                "VAULTGATE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLoading));
        Process demo = demoStart.start();
        try {
            List<String> printed = DemoConsole.readUntil(demo, "Press Ctrl-C to stop", 90);
            String put = printed.stream().map(String::strip).filter(line -> line.startsWith("echo 'put "))
                    .findFirst().orElseThrow();
            assertThat(DemoConsole.shell(work, put)).contains("/demo/sample.txt\" /inbox/sample.txt");
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        }
        assertThat(Files.readString(classLoading)).as("the gateway's classes came from the cache")
                .containsPattern("io\\.vaultgate\\.server\\.Vaultgate source: shared objects file");

        Path otherJar = work.resolve("other/vaultgate.jar");
        Files.createDirectories(otherJar.getParent());
        Files.copy(JAR, otherJar, StandardCopyOption.REPLACE_EXISTING);
        Result stale = run(List.of(jdk.get().resolve("bin/java").toString(), "-XX:AOTMode=auto",
                "-XX:AOTCache=" + cache, "-jar", otherJar.toString(), "version"), Map.of(), 60);
        assertThat(stale.exitCode()).as("a cache of another jar is ignored: " + stale.output()).isZero();
        assertThat(stale.output()).contains("vaultgate ").contains("java 25");
    }

    private static Optional<Path> jdk25() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            return dirs.filter(dir -> !Files.isSymbolicLink(dir) && Files.isExecutable(dir.resolve("bin/java")))
                    .filter(dir -> release(dir) >= 25).findFirst();
        }
    }

    private static int release(Path jdk) {
        try {
            return Files.readAllLines(jdk.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION=\""))
                    .map(line -> line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
                    .mapToInt(Integer::parseInt).findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result launch(List<String> arguments, Map<String, String> env, int seconds) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(arguments);
        return run(command, env, seconds);
    }

    private Result run(List<String> command, Map<String, String> env, int seconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        clean(builder);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static void clean(ProcessBuilder builder) {
        for (String variable : List.of("JAVA_HOME", "VAULTGATE_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS", "VAULTGATE_AOT_DIR", "VAULTGATE_HOME", "VAULTGATE_CONFIG")) {
            builder.environment().remove(variable);
        }
    }
}
