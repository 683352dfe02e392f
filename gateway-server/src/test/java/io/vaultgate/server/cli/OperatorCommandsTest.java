package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate operator list} and {@code operator remove} against a real data directory. */
class OperatorCommandsTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;

    @Test
    void aRemovedOperator_leavesTheList_cannotBeRemovedTwice_andItsNameIsNotGivenAgain() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
        assertThat(cli.run("site", "add", "cebu").exitCode()).isZero();
        assertThat(cli.run("operator", "add", "maria", "--site", "manila", "--ssh-key", KEY, "--token").exitCode())
                .isZero();
        assertThat(cli.run("operator", "add", "carlos", "--site", "cebu").exitCode()).isZero();
        assertThat(cli.run("operator", "list", "--site", "manila").out()).contains("maria  site=manila")
                .doesNotContain("carlos");
        assertThat(cli.run("operator", "remove", "maria").exitCode()).as("a reason is required").isEqualTo(2);

        Result removed = cli.run("operator", "remove", "maria", "--reason", "left the company");

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("Removed operator maria of site manila: 2 credential(s) revoked, "
                + "0 batch(es) back to the site");
        assertThat(cli.run("operator", "list").out()).contains("carlos  site=cebu").doesNotContain("maria");
        Result again = cli.run("operator", "remove", "maria", "--reason", "twice");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no operator named maria");
        Result reused = cli.run("operator", "add", "maria", "--site", "cebu");
        assertThat(reused.exitCode()).isEqualTo(1);
        assertThat(reused.err()).contains("username maria is taken");
    }
}
