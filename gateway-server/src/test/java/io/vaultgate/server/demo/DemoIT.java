package io.vaultgate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's front door: {@code ./vaultgate demo} (the launcher script at the repository root, over the
 * built jar) comes up on loopback only (no bind address given), and every command it prints works as printed, with
 * the real OpenSSH {@code sftp} and {@code curl}. Then SIGTERM stops it cleanly.
 */
class DemoIT {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();

    @TempDir
    Path workDir;

    @Test
    void demo_printsCommandsThatWork_andStopsCleanlyOnSigterm() throws Exception {
        Files.writeString(workDir.resolve("README.md"), "Vaultgate demo upload\n");
        Process demo = new ProcessBuilder(LAUNCHER.toString(), "demo", "--home", "var",
                "--set", "sftp.port=0", "--set", "https.port=0", "--set", "ops.port=0")
                .directory(workDir.toFile())
                .redirectError(workDir.resolve("demo.log").toFile())
                .start();
        try {
            List<String> printed = readUntil(demo, "Press Ctrl-C to stop", 90);
            assertThat(printed).as("on loopback only, by default").anySatisfy(line -> assertThat(line)
                    .matches("Listening on SFTP 127\\.0\\.0\\.1:\\d+, HTTPS 127\\.0\\.0\\.1:\\d+, ops 127\\.0\\.0\\.1:\\d+, "
                            + "demo site 127\\.0\\.0\\.1:\\d+ \\(loopback only\\)"));
            List<String> commands = printed.stream().map(String::strip)
                    .filter(line -> line.startsWith("echo ") || line.startsWith("curl ")).toList();
            assertThat(commands).hasSize(5);

            assertThat(shell(commands.get(0))).contains("put README.md");
            assertThat(shell(commands.get(1))).contains("README.md").contains("22");
            assertThat(shell(commands.get(2))).contains("\"sha256\"").contains("\"size\":22");
            assertThat(shell(commands.get(3))).contains("README-https.md").contains("README.md");
            assertThat(shell(commands.get(4))).isEqualTo("Vaultgate demo upload\n");

            String siteLine = printed.stream().filter(line -> line.contains("demo BPO site")).findFirst().orElseThrow();
            Path siteInbox = workDir.resolve(siteLine.substring(siteLine.lastIndexOf(' ') + 1));
            assertThat(siteInbox).startsWithRaw(workDir.resolve("var/demo-site"));
            assertForwarded(siteInbox.resolve("README.md"), "Vaultgate demo upload\n");
            assertForwarded(siteInbox.resolve("README-https.md"), "Vaultgate demo upload\n");
        } finally {
            demo.destroy(); // SIGTERM, as systemd and `docker stop` send
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        }
        assertThat(Files.readString(workDir.resolve("demo.log"))).contains("stopped");
    }

    /** The demo's site receiver gets each upload by push within a few forwarder polls. */
    private static void assertForwarded(Path file, String content) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(file).as("forwarded to the demo site").exists();
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    private String shell(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command).directory(workDir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + "\n" + output).isZero();
        return output;
    }

    private static List<String> readUntil(Process process, String marker, int seconds) throws InterruptedException {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                if (line.contains(marker)) {
                    return seen;
                }
            } else if (!process.isAlive()) {
                break;
            }
        }
        throw new AssertionError("the demo did not print \"" + marker + "\"; it printed " + seen);
    }
}
