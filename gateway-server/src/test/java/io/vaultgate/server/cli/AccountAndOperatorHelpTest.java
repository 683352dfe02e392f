package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F5/F14: the credential subcommands are listed in {@code --help} (that every option and parameter has a
 * description, F17, is {@link CliHelpDescriptionsTest}'s, for every command).
 */
class AccountAndOperatorHelpTest {

    @TempDir
    Path home;

    @Test
    void accountAndOperatorHelp_listTheCredentialSubcommands() {
        CliHarness cli = new CliHarness(home);
        Result account = cli.run("account", "--help");
        Result operator = cli.run("operator", "--help");

        assertThat(account.exitCode()).isZero();
        assertThat(account.out()).contains("add-key", "add-token", "set-password", "show", "list", "revoke");
        assertThat(operator.exitCode()).isZero();
        assertThat(operator.out()).contains("add-key", "add-token", "show", "list", "remove");
    }
}
