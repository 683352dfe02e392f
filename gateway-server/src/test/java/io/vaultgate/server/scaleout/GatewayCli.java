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
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(ChildJvmArchive.options());
        command.addAll(List.of("-jar", GatewayProcess.JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--home", home.toString()));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
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
                throw new AssertionError(String.join(" ", args) + " did not end:\n" + output);
            }
            if (expectedExit != ANY_EXIT) {
                assertThat(process.exitValue()).as(String.join(" ", args) + "\n" + output)
                        .isEqualTo(expectedExit);
            }
            return output;
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
