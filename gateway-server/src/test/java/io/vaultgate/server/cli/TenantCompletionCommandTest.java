package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate tenant add} run for a tenant an older gateway left half-created (its row, no recorded KEK version)
 * says that it completed it and what it recorded, not that it created it; it keeps the name and password login first
 * recorded, refusing by name an option that states others, and applies {@code --max-file-size} (review22c L5).
 */
class TenantCompletionCommandTest {

    @TempDir
    Path home;

    @Test
    void addingAHalfCreatedTenant_saysItCompletedIt_andWhatItRecorded() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        CliHarness.Result created = cli.run("tenant", "add", "acme", "--name", "Acme");
        assertThat(created.out()).as(created.err()).contains("Created tenant acme (Acme)");
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            catalog.inTransaction(jdbc -> jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = 'acme'"));
        }

        CliHarness.Result completed = cli.run("tenant", "add", "acme", "--name", "Acme"); // the same command again

        assertThat(completed.exitCode()).as(completed.err()).isZero();
        assertThat(completed.out()).contains("Completed tenant acme (Acme): acme KEK version 1 recorded, completing "
                + "its interrupted creation (this node's key)").doesNotContain("Created tenant");
        assertThat(cli.run("tenant", "add", "acme").err()).as("complete now: refused as existing")
                .contains("tenant acme already exists");
    }

    /**
     * Review22c L5: a completion applied {@code --max-file-size} (but not {@code 0}) and ignored {@code --name} and
     * {@code --allow-password} without a word. Those two are fixed at a creation, and nothing changes them after it:
     * stating others is refused, naming each option and the recorded value, and changes nothing, not even the key's
     * record; the completion without them applies its {@code --max-file-size}, {@code 0} included.
     */
    @Test
    void aCompletionStatingAnotherNameOrPasswordLogin_isRefusedNamingThem_andMaxFileSizeIsApplied() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        CliHarness.Result created = cli.run("tenant", "add", "acme", "--name", "Acme", "--max-file-size", "5MiB");
        assertThat(created.exitCode()).as(created.err()).isZero();
        forgetRecordedVersions();

        CliHarness.Result refused = cli.run("tenant", "add", "acme", "--name", "Other name", "--allow-password",
                "--max-file-size", "1MiB");

        assertThat(refused.exitCode()).as(refused.out()).isNotZero();
        assertThat(refused.err()).contains("--name \"Other name\" is not its recorded name \"Acme\"",
                "--allow-password asks password login allowed, recorded refused",
                "run it again without --name and --allow-password").doesNotContain("Completed");
        assertThat(recordedVersions()).as("nothing recorded").isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("name:            Acme",
                "password login:  refused", "max file size:   5242880");

        CliHarness.Result completed = cli.run("tenant", "add", "acme", "--max-file-size", "0");

        assertThat(completed.exitCode()).as(completed.err()).isZero();
        assertThat(completed.out()).contains("Completed tenant acme (Acme)");
        assertThat(recordedVersions()).isEqualTo(1);
        assertThat(cli.run("tenant", "show", "acme").out()).contains("max file size:   unlimited");
    }

    private void forgetRecordedVersions() {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            catalog.inTransaction(jdbc -> jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = 'acme'"));
        }
    }

    private long recordedVersions() {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            return catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM kek_versions WHERE kek_tenant = 'acme'"));
        }
    }
}
