package io.vaultgate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.Vaultgate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's front door: {@code ./vaultgate demo} (the launcher script at the repository root, over the
 * built jar) comes up on loopback only (no bind address given), and every command it prints works as printed, with
 * the real OpenSSH {@code sftp} and {@code curl}, from another directory than the demo's: they upload the sample file
 * the demo wrote into its data directory, named by its full path; {@code vaultgate status --home} finds its ops listener
 * through the run file, which replaced a stale one. Then SIGTERM stops it cleanly and removes the run file.
 */
class DemoIT {

    private static final Path LAUNCHER = Path.of("..", "vaultgate").toAbsolutePath().normalize();

    @TempDir
    Path workDir;

    @Test
    void demo_printsCommandsThatWork_andStopsCleanlyOnSigterm() throws Exception {
        Path elsewhere = Files.createDirectory(workDir.resolve("elsewhere"));
        Path runFile = workDir.resolve("var/run/gateway.json");
        Files.createDirectories(runFile.getParent(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(runFile, "left by a crash"); // replaced at start: a stale run file blocks nothing
        Process demo = new ProcessBuilder(LAUNCHER.toString(), "demo", "--home", "var",
                "--set", "sftp.port=0", "--set", "https.port=0", "--set", "ops.port=0")
                .directory(workDir.toFile())
                .redirectError(workDir.resolve("demo.log").toFile())
                .start();
        try {
            List<String> printed = DemoConsole.readUntil(demo, "Press Ctrl-C to stop", 90);
            assertThat(printed).as("on loopback only, by default").anySatisfy(line -> assertThat(line)
                    .matches("Listening on SFTP 127\\.0\\.0\\.1:\\d+, HTTPS 127\\.0\\.0\\.1:\\d+, ops 127\\.0\\.0\\.1:\\d+, "
                            + "demo site 127\\.0\\.0\\.1:\\d+ \\(loopback only\\)"));
            List<String> commands = printed.stream().map(String::strip)
                    .filter(line -> line.startsWith("echo ") || line.startsWith("curl ")).toList();
            assertThat(commands).hasSize(5);

            Path sample = workDir.resolve("var/demo/sample.txt");
            String content = Files.readString(sample);
            String size = String.valueOf(content.length());
            assertThat(DemoConsole.shell(elsewhere, commands.get(0))).contains("put \"" + sample + "\"");
            assertThat(DemoConsole.shell(elsewhere, commands.get(1))).contains("sample.txt").contains(size);
            assertThat(DemoConsole.shell(elsewhere, commands.get(2))).contains("\"sha256\"")
                    .contains("\"size\":" + size);
            assertThat(DemoConsole.shell(elsewhere, commands.get(3))).contains("sample-https.txt")
                    .contains("sample.txt");
            assertThat(DemoConsole.shell(elsewhere, commands.get(4))).isEqualTo(content);

            String siteLine = printed.stream().filter(line -> line.contains("demo BPO site")).findFirst().orElseThrow();
            Path siteInbox = Path.of(siteLine.substring(siteLine.lastIndexOf(' ') + 1));
            assertThat(siteInbox).startsWithRaw(workDir.resolve("var/demo-site"));
            assertForwarded(siteInbox.resolve("sample.txt"), content);
            assertForwarded(siteInbox.resolve("sample-https.txt"), content);

            assertThat(Files.readString(runFile)).contains("\"pid\":", "\"ops\":\"http://127.0.0.1:");
            assertStatusFindsTheDemo(workDir.resolve("var"));
        } finally {
            demo.destroy(); // SIGTERM, as systemd and `docker stop` send
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        }
        assertThat(Files.readString(workDir.resolve("demo.log"))).contains("stopped");
        assertThat(runFile).as("removed at a clean stop").doesNotExist();
    }

    /**
     * {@code vaultgate status --home} with no --url reaches the demo's ops listener, on a port chosen at start
     * ({@code ops.port=0}) that the configuration does not know: the demo recorded it in its run file.
     */
    private static void assertStatusFindsTheDemo(Path home) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(new String[] {"status", "--home", home.toString()}, Map.of(),
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ready");
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
}
