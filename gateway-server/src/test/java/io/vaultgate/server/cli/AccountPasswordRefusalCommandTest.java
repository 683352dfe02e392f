package io.vaultgate.server.cli;

import static io.vaultgate.server.cli.AccountCredentialCommandsTest.ok;
import static io.vaultgate.server.cli.AccountCredentialCommandsTest.withStdin;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F4 from the CLI: a password for an account of a tenant that refuses password login is refused with the
 * core's message and exit 1, by {@code account add --password-stdin} before any account is made, and by
 * {@code account set-password}, which leaves the account as it was.
 */
class AccountPasswordRefusalCommandTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String REFUSED = "vaultgate: tenant acme does not allow password login; enable it with "
            + "`vaultgate tenant set acme --allow-password`";

    @TempDir
    Path home;

    @Test
    void accountAdd_withAPasswordOnARefusingTenant_makesNoAccount() {
        CliHarness cli = acme();

        Result added = withStdin(PASSWORD + "\n", () -> cli.run("account", "add", "acme-pw", "--tenant", "acme",
                "--password-stdin"));

        assertThat(added.exitCode()).as(added.out() + added.err()).isEqualTo(1);
        assertThat(added.err()).startsWith(REFUSED).hasLineCount(1);
        assertThat(added.out()).doesNotContain("Created account");
        assertThat(cli.run("account", "show", "acme-pw").err()).contains("no account named acme-pw");
        assertThat(cli.run("account", "add", "acme-pw", "--tenant", "acme").exitCode()).as("the name is free")
                .isZero();
    }

    @Test
    void setPassword_onARefusingTenant_isRefused_andSetsNothing() {
        CliHarness cli = acme();
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme"));

        Result set = withStdin(PASSWORD + "\n", () -> cli.run("account", "set-password", "acme-up",
                "--password-stdin"));

        assertThat(set.exitCode()).isEqualTo(1);
        assertThat(set.err()).startsWith(REFUSED).hasLineCount(1);
        assertThat(cli.run("account", "show", "acme-up").out()).contains("password:     not set");
    }

    private CliHarness acme() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        return cli;
    }
}
