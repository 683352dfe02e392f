package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.TestKeystore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad start stops with one line naming the key or resource, and exit code 2. */
class StartupErrorsTest {

    @TempDir
    Path home;

    @Test
    void unknownKey_inTheConfigFile() throws IOException {
        Path config = home.resolve("bad.yaml");
        Files.writeString(config, "sftp:\n  prot: 2222\n");
        assertFailsWithOneLine(run("run", "--config", config.toString()), "sftp.prot: unknown key");
    }

    @Test
    void wrongType_inTheConfigFile() throws IOException {
        Path config = home.resolve("bad.yaml");
        Files.writeString(config, "https:\n  port: many\n");
        assertFailsWithOneLine(run("run", "--config", config.toString()), "https.port:");
    }

    @Test
    void missingConfigFile() {
        assertFailsWithOneLine(run("run", "--config", home.resolve("absent.yaml").toString()), "absent.yaml");
    }

    @Test
    void unwritableDataDirectory() throws IOException {
        Path file = Files.writeString(home.resolve("a-file"), "not a directory");
        CliHarness.Result result = new CliHarness(home).run("run", "--home", file.resolve("var").toString());
        assertFailsWithOneLine(result, "data directory is not writable");
    }

    @Test
    void portInUse_namesTheKeyAndThePort() throws IOException {
        TestKeystore.seed(home);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            CliHarness.Result result = run("run", "--set", "sftp.bind=127.0.0.1", "--set", "sftp.port=" + port,
                    "--set", "https.bind=127.0.0.1", "--set", "https.port=0", "--set", "ops.port=0");
            assertFailsWithOneLine(result, "sftp.port 127.0.0.1:" + port + ": address already in use");
        }
    }

    @Test
    void httpsBindAddressThatDoesNotResolve_namesTheKeyAndTheAddress() {
        TestKeystore.seed(home);
        CliHarness.Result result = run("run", "--set", "sftp.bind=127.0.0.1", "--set", "sftp.port=0",
                "--set", "https.bind=no-such-host.invalid", "--set", "https.port=0", "--set", "ops.port=0");

        assertFailsWithOneLine(result, "https.port no-such-host.invalid:0: cannot listen: no-such-host.invalid");
        assertThat(result.err()).doesNotContain("null");
    }

    private CliHarness.Result run(String... args) {
        return Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new CliHarness(home).run(args));
    }

    private static void assertFailsWithOneLine(CliHarness.Result result, String expected) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains(expected);
        assertThat(result.err().strip().lines()).as(result.err()).hasSize(1);
    }
}
