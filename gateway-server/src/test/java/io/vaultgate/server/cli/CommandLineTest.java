package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @TempDir
    Path home;

    @Test
    void help_listsEverySubcommandAndTheExitCodes() {
        CliHarness.Result result = new CliHarness(home).run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("run", "demo", "init", "tenant", "account", "version")
                .contains("Exit codes:").contains("2   bad usage, bad configuration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "init", "tenant", "tenant add", "tenant list", "tenant show", "tenant set", "account",
            "account add", "site", "site add", "site route", "operator add", "batch list", "batch close", "keys rotate", "keys rewrap",
            "audit", "receipt", "version"})
    void everySubcommand_hasUsefulHelp(String command) {
        String[] args = (command + " --help").split(" ");
        CliHarness.Result result = new CliHarness(home).run(args);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: vaultgate " + command).hasSizeGreaterThan(120);
    }

    @Test
    void version_printsProductAndJava() {
        CliHarness.Result result = new CliHarness(home).run("version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("vaultgate ").contains("java 17");
    }

    @Test
    void unknownOption_isAUsageError_withExitCode2() {
        CliHarness.Result result = new CliHarness(home).run("init", "--frobnicate");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void init_stretchesTheKeystoreWithTheProductionCost_whichCommandsThenOpen() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.run("init").out()).contains("created keystore", "Administrator API token (shown once): vg_");
        assertThat(cli.run("init").out()).contains("already initialized");
        // This home is not seeded by TestKeystore: its keystore is stretched with the production Argon2id
        // cost (64 MiB, 3 passes, 1 lane), named in the file's prefix after "VGKS", version and KDF id.
        java.nio.ByteBuffer kdf = java.nio.ByteBuffer.wrap(Files.readAllBytes(home.resolve("keys/kek.p12")), 6, 9);
        assertThat(new int[] {kdf.getInt(), kdf.getInt(), kdf.get()}).containsExactly(64 * 1024, 3, 1);
        assertThat(cli.run("tenant", "add", "acme", "--name", "Acme Corp").exitCode()).isZero();
        assertThat(cli.run("tenant", "list").out()).contains("acme", "ACTIVE", "Acme Corp");
    }

    /** Over a home seeded by TestKeystore: every command opens the keystore, at the test cost. */
    @Test
    void tenantAndAccountCommands_manageTheCatalog() throws Exception {
        CliHarness cli = new CliHarness(home);
        cli.init();
        assertThat(cli.run("tenant", "add", "acme", "--name", "Acme Corp").exitCode()).isZero();
        Path key = home.resolve("client.pub");
        Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko x\n");
        CliHarness.Result account = cli.run("account", "add", "acme-upload", "--tenant", "acme", "--ssh-key",
                key.toString(), "--token");
        assertThat(account.exitCode()).isZero();
        assertThat(account.out()).contains("SHA256:XZAbVVMB7KOYy8d1svBVu4ov4OeDXCfS6rqxB5Nnac4", "API token");

        assertThat(cli.run("tenant", "list").out()).contains("acme", "ACTIVE", "Acme Corp");
        assertThat(cli.run("tenant", "set", "acme", "--quota-bytes", "1GiB", "--retention", "30d",
                "--allow-sources", "203.0.113.0/24").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("quota bytes:     1073741824", "retention:       30d",
                "allowed sources: [203.0.113.0/24]");
        assertThat(cli.run("tenant", "set", "acme", "--allow-sources", "example.com").err()).contains("not an IP address");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("acme-upload", "SHA256:XZAbVVMB7K");

        CliHarness.Result duplicate = cli.run("tenant", "add", "acme");
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.err()).contains("tenant acme already exists");
        CliHarness.Result certified = cli.run("account", "add", "acme-api", "--tenant", "acme", "--issue-client-cert",
                home.resolve("certs").toString());
        assertThat(certified.out()).as(certified.err()).contains("issued client certificate");
        assertThat(home.resolve("certs").resolve("acme-api.key")).exists();
        CliHarness.Result badKey = cli.run("account", "add", "x-user", "--tenant", "acme", "--ssh-key", "ssh-dss AAAA");
        assertThat(badKey.exitCode()).isEqualTo(1);
        assertThat(badKey.err()).contains("unsupported SSH key type");
    }

    @Test
    void siteOperatorRouteAndBatchCommands_setUpPullProcessing() {
        CliHarness cli = new CliHarness(home);
        cli.init();
        cli.run("tenant", "add", "acme");
        assertThat(cli.run("site", "add", "manila", "--name", "Manila processing").out()).contains("Created site manila");
        CliHarness.Result operator = cli.run("operator", "add", "maria", "--site", "manila", "--token");
        assertThat(operator.out()).contains("Created operator maria of site manila", "API token (shown once): vg_");
        CliHarness.Result route = cli.run("site", "route", "--tenant", "acme", "--site", "manila", "--max-files", "10",
                "--idle-close", "15m");
        assertThat(route.exitCode()).as(route.err()).isZero();
        assertThat(route.out()).contains("acme/inbox -> manila (pull)");
        assertThat(cli.run("batch", "list", "--tenant", "acme").out()).contains("STATE");

        CliHarness.Result endless = cli.run("site", "route", "--tenant", "acme", "--site", "manila", "--idle-close",
                "99999999999999d");
        assertThat(endless.exitCode()).isEqualTo(1);
        assertThat(endless.err()).contains("--idle-close 99999999999999d: at most 36500d");

        CliHarness.Result badSite = cli.run("site", "route", "--tenant", "acme", "--site", "nowhere");
        assertThat(badSite.exitCode()).isEqualTo(1);
        assertThat(badSite.err()).contains("site nowhere does not exist");
        CliHarness.Result takenName = cli.run("operator", "add", "maria", "--site", "manila");
        assertThat(takenName.err()).contains("username maria is taken");
    }

    @Test
    void batchListAndKeysRewrap_ofAnUnknownTenant_fail_insteadOfReportingNothingToDo() {
        CliHarness cli = new CliHarness(home);
        cli.init();

        CliHarness.Result batches = cli.run("batch", "list", "--tenant", "nosuch");
        CliHarness.Result rewrap = cli.run("keys", "rewrap", "--tenant", "nosuch");
        CliHarness.Result badId = cli.run("batch", "list", "--tenant", "Bad!");

        assertThat(batches.exitCode()).isEqualTo(1);
        assertThat(batches.out()).isEmpty();
        assertThat(batches.err()).contains("no tenant nosuch", "vaultgate tenant list");
        assertThat(rewrap.exitCode()).isEqualTo(1);
        assertThat(rewrap.out()).isEmpty();
        assertThat(rewrap.err()).contains("no tenant nosuch");
        assertThat(badId.exitCode()).isEqualTo(1);
        assertThat(badId.out()).isEmpty();
    }

    @Test
    void tenantSet_withOneBadOption_changesNothing_andRefusesARetentionThatWouldOverflow() {
        CliHarness cli = new CliHarness(home);
        cli.init();
        cli.run("tenant", "add", "acme");

        CliHarness.Result bad = cli.run("tenant", "set", "acme", "--quota-bytes", "1GiB", "--allow-sources",
                "10.0.0.0/8", "--retention", "bogus");
        CliHarness.Result huge = cli.run("tenant", "set", "acme", "--retention", "99999999999999d");

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("--retention bogus");
        assertThat(huge.exitCode()).isEqualTo(1);
        assertThat(huge.err()).contains("--retention 99999999999999d", "36500d");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("quota bytes:     unlimited")
                .doesNotContain("10.0.0.0/8").doesNotContain("99999999999999");
    }

    @Test
    void adminCommandsOnAnEmptyHome_sayToInitFirst() {
        CliHarness.Result result = new CliHarness(home).run("tenant", "list");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("not initialized").contains("vaultgate init");
    }
}
