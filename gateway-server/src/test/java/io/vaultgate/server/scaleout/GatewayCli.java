package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.ChildJvmArchive;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One admin command of the real gateway as operators run it, {@code java -jar vaultgate.jar ARGS --home HOME
 * --set k=v...}, in a child process with the given environment; for the ITs that drive the CLI beside
 * {@link GatewayProcess} nodes.
 */
final class GatewayCli {

    private GatewayCli() {
    }

    /** Any exit status: the caller looks at the output. */
    static final int ANY_EXIT = -1;

    /**
     * Runs {@code vaultgate ARGS} and returns its output (stdout and stderr) once it ended with
     * {@code expectedExit} ({@link #ANY_EXIT}: whatever it ended with); fails the test otherwise, or if it has not
     * ended within two minutes (it is then killed).
     */
    static String run(Path home, Map<String, String> env, Map<String, String> settings, int expectedExit,
                      String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(jvm());
        command.addAll(List.of("-jar", GatewayProcess.JAR.toString()));
        command.addAll(commandLine(home, settings, List.of(args)));
        Ended ended = start(command, env);
        if (expectedExit != ANY_EXIT) {
            assertThat(ended.exitCode()).as(String.join(" ", args) + "\n" + ended.output()).isEqualTo(expectedExit);
        }
        return ended.output();
    }

    /**
     * Runs the command lines {@code commands} one after another in one child JVM ({@link CliSequence}: each through
     * what {@code java -jar vaultgate.jar} runs, with {@code env}, {@code --home} and {@code settings} as
     * {@link #run} gives them) and returns each one's output; fails the test unless each exited 0. For a test's
     * set-up, which a child JVM per command made cost 2.5-4 CPU-seconds a command (the JVM's start, its classes and
     * C1's compiling, again for each): what the test asserts about processes (a node, {@code doctor}, a command
     * under test) still runs as its own process through {@link #run} and {@link GatewayProcess}. The JVM ends
     * before this returns, so it holds no token or file open afterwards.
     */
    static List<String> runAll(Path home, Map<String, String> env, Map<String, String> settings,
                               List<List<String>> commands) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(jvm());
        // what the jar's manifest gives a java -jar (Add-Exports), which -cp does not read
        command.addAll(List.of("--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED"));
        command.addAll(List.of("-cp", GatewayProcess.JAR + java.io.File.pathSeparator + classesOf(CliSequence.class),
                CliSequence.class.getName()));
        for (int i = 0; i < commands.size(); i++) {
            if (i > 0) {
                command.add(CliSequence.NEXT);
            }
            command.addAll(commandLine(home, settings, commands.get(i)));
        }
        Ended ended = start(command, env);
        List<String> outputs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : ended.output().split("\n", -1)) {
            if (line.startsWith(CliSequence.ENDED)) {
                outputs.add(current.toString());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        assertThat(ended.exitCode()).as(commands + "\n" + ended.output()).isZero();
        assertThat(outputs).as(commands + "\n" + ended.output()).hasSize(commands.size());
        return outputs;
    }

    private record Ended(int exitCode, String output) {
    }

    /** The child JVM's options: short-lived, so C1 only and the serial collector, and the class-data archive. */
    private static List<String> jvm() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(ChildJvmArchive.options());
        return command;
    }

    private static List<String> commandLine(Path home, Map<String, String> settings, List<String> args) {
        List<String> command = new ArrayList<>(args);
        command.addAll(List.of("--home", home.toString()));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        return command;
    }

    private static String classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code command} with {@code env} added to this JVM's environment, its output (stdout and stderr) to a
     * file; fails the test if it has not ended within two minutes (it is then killed).
     */
    private static Ended start(List<String> command, Map<String, String> env) throws IOException,
            InterruptedException {
        Path outputFile = Files.createTempFile("vaultgate-cli", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(outputFile.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(outputFile, StandardCharsets.UTF_8);
            if (!ended) {
                throw new AssertionError(String.join(" ", command) + " did not end:\n" + output);
            }
            return new Ended(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(outputFile);
        }
    }

    /**
     * Seeds {@code home}'s SSH host keys as the gateway run with {@code env} and {@code settings} places them
     * ({@link TestKeystore#seedHostKeys}), so that {@code init} spends none of its CPU on an RSA-3072 key in a
     * C1-only child JVM; whether init makes them is covered where it is the point (DemoIT,
     * MasterSecretModeTest).
     */
    static void seedHostKeys(Path home, Map<String, String> env, Map<String, String> settings) {
        Map<String, String> overrides = new HashMap<>(settings);
        overrides.put("home", home.toString());
        TestKeystore.seedHostKeys(ConfigLoader.load(Optional.empty(), env, overrides));
    }

    /** The API token {@code account add ... --token} printed ("API token (shown once): ..."). */
    static String apiToken(String accountAddOutput) {
        String marker = "API token (shown once): ";
        String line = accountAddOutput.lines().filter(l -> l.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no API token in:\n" + accountAddOutput));
        return line.substring(line.indexOf(marker) + marker.length()).strip();
    }
}
