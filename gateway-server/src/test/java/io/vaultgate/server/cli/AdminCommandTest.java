package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate admin}: the administrators and their tokens, against a real data directory. */
class AdminCommandTest {

    @TempDir
    Path home;

    @Test
    void rotatingTheInitialAdminsToken_rewritesAdminTokenFile_andTheOldTokenIsRevoked() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Path tokenFile = home.resolve("secrets/admin.token");
        String old = Files.readString(tokenFile).strip();

        Result rotated = cli.run("admin", "rotate-token", "admin", "--reason", "pasted into a ticket");

        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("Revoked 1 token(s) of admin", "its API token is in " + tokenFile)
                .doesNotContain(old);
        String fresh = Files.readString(tokenFile).strip();
        assertThat(fresh).isNotEqualTo(old).startsWith("vg_");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(cli.run("account", "revoke", "admin", "--all-tokens", "--reason", "drill").exitCode())
                .as("an administrator's tokens are revoked like any login's").isZero();
        assertThat(cli.run("admin", "list").out()).contains("admin  created=", "live-tokens=0");
    }

    @Test
    void addListRemove_eachAdministratorHasItsOwnToken_andTheLastOneStays() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Path aliceToken = home.resolve("alice.token");

        Result added = cli.run("admin", "add", "alice", "--token-file", aliceToken.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(Files.readString(aliceToken)).startsWith("vg_");
        assertThat(cli.run("admin", "list").out()).contains("admin  created=", "alice  created=", "live-tokens=1");
        assertThat(cli.run("admin", "add", "alice").err()).contains("administrator alice already exists");
        Result rotated = cli.run("admin", "rotate-token", "alice", "--reason", "routine");
        assertThat(rotated.out()).as("not the initial admin's file: printed").contains("(shown once): vg_");
        assertThat(cli.run("admin", "remove", "alice", "--reason", "left").exitCode()).isZero();
        assertThat(cli.run("admin", "remove", "admin", "--reason", "oops").err())
                .contains("admin is the last administrator");
        assertThat(cli.run("admin", "list").out()).doesNotContain("alice");
    }

    @Test
    void removedAdmin_isNotRecreated_whenItsStaleTokenFileIsDeleted() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Path tokenFile = home.resolve("secrets/admin.token");
        assertThat(cli.run("admin", "add", "root", "--token-file", home.resolve("root.token").toString()).exitCode())
                .isZero();
        assertThat(cli.run("admin", "remove", "admin", "--reason", "replaced by root").exitCode()).isZero();
        Files.delete(tokenFile);

        Result again = cli.run("init");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("administrator", "API token");
        assertThat(tokenFile).doesNotExist();
        assertThat(cli.run("admin", "list").out()).contains("root  created=").doesNotContain("admin  created=");
    }

    @Test
    void adminTokenFileMovedAway_initSucceeds_andKeepsTheAdministratorAndItsToken() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        Path tokenFile = home.resolve("secrets/admin.token");
        Files.move(tokenFile, home.resolve("kept-off-the-host.token"));

        Result again = cli.run("init");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("already exists");
        assertThat(again.out()).doesNotContain("API token");
        assertThat(tokenFile).doesNotExist();
        assertThat(cli.run("admin", "list").out()).contains("admin  created=", "live-tokens=1");
        Result rotated = cli.run("admin", "rotate-token", "admin", "--reason", "token file lost", "--token-file",
                tokenFile.toString());
        assertThat(rotated.exitCode()).as("the documented way to a new token file").isZero();
        assertThat(Files.readString(tokenFile)).startsWith("vg_");
    }
}
