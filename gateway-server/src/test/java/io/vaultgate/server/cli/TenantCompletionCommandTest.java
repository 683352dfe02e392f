package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate tenant add} run for a tenant an older gateway left half-created (its row, no recorded KEK version)
 * says that it completed it and what it recorded, not that it created it.
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

        CliHarness.Result completed = cli.run("tenant", "add", "acme", "--name", "Other name");

        assertThat(completed.exitCode()).as(completed.err()).isZero();
        assertThat(completed.out()).contains("Completed tenant acme (Acme): acme KEK version 1 recorded, completing "
                + "its interrupted creation (this node's key)").doesNotContain("Created tenant");
        assertThat(cli.run("tenant", "add", "acme").err()).as("complete now: refused as existing")
                .contains("tenant acme already exists");
    }
}
