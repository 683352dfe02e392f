package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate monitor}: the monitors and their tokens, against a real data directory. */
class MonitorCommandTest {

    @TempDir
    Path home;

    @Test
    void addListRotateRemove_writeTheTokenPrivately_storeItHashed_andAreAudited() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Path tokenFile = home.resolve("prometheus/vaultgate-monitor.token");

        Result added = cli.run("monitor", "add", "prometheus", "--token-file", tokenFile.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("Created monitor prometheus; its API token is in " + tokenFile);
        String first = Files.readString(tokenFile).strip();
        assertThat(first).startsWith("vg_");
        assertThat(added.out()).doesNotContain(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())))
                .isEqualTo("rwx------");
        assertThat(liveTokenHashes()).containsExactly(ApiTokens.hash(first));
        assertThat(cli.run("monitor", "list").out()).contains("prometheus  created=", "live-tokens=1");
        assertThat(cli.run("monitor", "add", "prometheus").err()).contains("monitor prometheus already exists");
        assertThat(cli.run("admin", "add", "prometheus").err()).contains("name prometheus is taken by a monitor");
        assertThat(cli.run("monitor", "add", "admin").err()).contains("name admin is taken by an administrator");

        Result rotated = cli.run("monitor", "rotate-token", "prometheus", "--reason", "routine", "--token-file",
                tokenFile.toString());

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("Revoked 1 token(s) of prometheus; its API token is in " + tokenFile);
        String second = Files.readString(tokenFile).strip();
        assertThat(second).startsWith("vg_").isNotEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(liveTokenHashes()).containsExactly(ApiTokens.hash(second));
        assertThat(cli.run("monitor", "rotate-token", "prometheus", "--reason", "printed").out())
                .contains("(shown once): vg_");

        Result removed = cli.run("monitor", "remove", "prometheus", "--reason", "host retired");

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(liveTokenHashes()).isEmpty();
        assertThat(cli.run("monitor", "list").out()).doesNotContain("prometheus");
        assertThat(cli.run("monitor", "remove", "prometheus", "--reason", "again").err())
                .contains("no monitor named prometheus");
        assertThat(adminChanges()).anyMatch(event -> event.startsWith("cli:") && event.contains("monitor prometheus"))
                .anyMatch(event -> event.contains("prometheus api-token (monitor, replacing 1)"))
                .anyMatch(event -> event.contains("monitor prometheus: host retired"))
                .noneMatch(event -> event.contains(first) || event.contains(second));
    }

    private List<String> liveTokenHashes() {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            return catalog.read(jdbc -> jdbc.query("SELECT token_hash FROM api_tokens WHERE principal_kind = 'monitor' "
                    + "AND revoked_at IS NULL", row -> row.getString(1)));
        }
    }

    private List<String> adminChanges() {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            return catalog.read(jdbc -> jdbc.query("SELECT actor || ' ' || event FROM audit_events WHERE kind = "
                    + "'admin.change' ORDER BY seq", row -> row.getString(1)));
        }
    }
}
