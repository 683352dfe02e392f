package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F18: a command run without the gateway's {@code --home} meets a directory that is no data directory. It
 * says to give the data directory first, as {@code doctor} and {@code audit verify} do, and only then to make a new
 * one; it said "run `vaultgate init` first", which invited a second data directory beside the real one.
 */
class ForgottenHomeTest {

    @TempDir
    Path elsewhere;

    @Test
    void aCommandOnADirectoryThatIsNoDataDirectory_asksForTheGatewaysHomeFirst() {
        Path home = elsewhere.resolve("var");

        CliHarness.Result result = new CliHarness(home).run("tenant", "list");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("vaultgate: home " + home + ": not initialized")
                .contains("give the gateway's data directory with --home (or VAULTGATE_HOME), or run `vaultgate "
                        + "init` to make a new one here")
                .doesNotContain("init` first");
        assertThat(Files.exists(home.resolve("catalog.db"))).as("nothing made").isFalse();
    }
}
