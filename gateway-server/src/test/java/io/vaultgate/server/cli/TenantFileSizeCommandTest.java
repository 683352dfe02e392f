package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate tenant add|set --max-file-size} against a real data directory. */
class TenantFileSizeCommandTest {

    @TempDir
    Path home;

    @Test
    void maxFileSize_isSetOnAddAndSet_shownAndRemovedWithZero() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();

        CliHarness.Result added = cli.run("tenant", "add", "acme", "--max-file-size", "10GiB");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("max file size:   10737418240");

        assertThat(cli.run("tenant", "set", "acme", "--max-file-size", "500MB").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("max file size:   500000000");

        assertThat(cli.run("tenant", "set", "acme", "--quota-bytes", "1GiB").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).as("a quota change keeps it")
                .contains("max file size:   500000000");

        assertThat(cli.run("tenant", "set", "acme", "--max-file-size", "0").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("max file size:   unlimited");
    }

    @Test
    void badSize_namesTheAcceptedForms_andChangesNothing() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();

        CliHarness.Result bad = cli.run("tenant", "set", "acme", "--max-file-size", "ten gigs");

        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("ten gigs", "GiB");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("max file size:   unlimited");
    }
}
