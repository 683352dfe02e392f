package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {

    @TempDir
    Path home;

    @Test
    void emergencyRotation_rotatesRewrapsAndIsAudited_quietlyInAScript() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.run("init").exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();

        Result rotated = cli.run("keys", "rotate", "--tenant", "acme", "--emergency");

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("Emergency rotation of tenant acme: new files use acme/v2",
                "re-wrapped 0 key slots; 0 left under older versions");
        assertThat(rotated.err()).as("no progress bar without a terminal").isEmpty();
        Path export = home.resolve("export.jsonl");
        Result exported = cli.run("audit", "export", "--tenant", "acme", "--since", "2000-01-01T00:00:00Z",
                "--out", export.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(Files.readString(export)).contains("emergency: new KEK version 2");
    }

    @Test
    void emergencyRotationOfAnUnknownTenant_fails() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.run("init").exitCode()).isZero();
        Result result = cli.run("keys", "rotate", "--tenant", "nobody", "--emergency");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("tenant nobody does not exist");
    }
}
