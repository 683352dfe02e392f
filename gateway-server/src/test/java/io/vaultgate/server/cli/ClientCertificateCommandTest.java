package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates from the command line: one certificate logs in as one account, so registering one that another
 * account holds fails (exit 1) with a message that names the conflict, never another tenant's account, and leaves
 * no account behind; the directories {@code --issue-client-cert} makes for the key are the owner's only.
 */
class ClientCertificateCommandTest {

    @TempDir
    Path home;
    private CliHarness cli;

    @BeforeEach
    void setUp() {
        cli = new CliHarness(home);
        cli.init();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "globex").exitCode()).isZero();
    }

    @Test
    void certificateAnAccountHolds_isRefusedForANewAccountOfAnotherTenant_andNoAccountIsMade() {
        Path certs = home.resolve("issued");
        assertThat(cli.run("account", "add", "acme-api", "--tenant", "acme", "--issue-client-cert", certs.toString())
                .exitCode()).isZero();

        CliHarness.Result taken = cli.run("account", "add", "globex-api", "--tenant", "globex", "--client-cert",
                certs.resolve("acme-api.crt").toString());

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).contains("is already registered to an account of another tenant",
                "a certificate logs in as one account only").doesNotContain("acme");
        assertThat(cli.run("tenant", "show", "globex").out()).doesNotContain("globex-api");
        assertThat(cli.run("account", "add", "globex-api", "--tenant", "globex").exitCode())
                .as("the name was not taken by the refused command").isZero();
    }

    @Test
    void certificateAnAccountHolds_isRefusedForAnotherAccountOfItsTenant_namingTheHolderAndTheFix() {
        Path certs = home.resolve("issued");
        cli.run("account", "add", "acme-api", "--tenant", "acme", "--issue-client-cert", certs.toString());
        cli.run("account", "add", "acme-batch", "--tenant", "acme");

        CliHarness.Result taken = cli.run("account", "add-cert", "acme-batch", "--client-cert",
                certs.resolve("acme-api.crt").toString());
        CliHarness.Result again = cli.run("account", "add-cert", "acme-api", "--client-cert",
                certs.resolve("acme-api.crt").toString());

        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).contains("already registered to account acme-api of this tenant",
                "vaultgate account revoke acme-api --certificate ");
        assertThat(again.exitCode()).as("to its own account again: nothing changes").isZero();
        assertThat(again.out()).contains("Added client certificate ", " to account acme-api");
    }

    @Test
    void directoriesIssueClientCertMakes_areTheOwnersOnly() throws Exception {
        Path certs = home.resolve("handover").resolve("acme");

        assertThat(cli.run("account", "add", "acme-api", "--tenant", "acme", "--issue-client-cert", certs.toString())
                .exitCode()).isZero();

        for (Path dir : new Path[] {certs.getParent(), certs}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("%s", dir)
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve("acme-api.key"))))
                .isEqualTo("rw-------");
    }
}
