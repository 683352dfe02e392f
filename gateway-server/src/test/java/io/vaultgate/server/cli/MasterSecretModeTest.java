package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master secret file, as OpenSSH treats a private key: {@code init} creates it private to its owner, and a
 * gateway or command refuses to start (exit 2, naming the file, its mode and the fix) once group or others may
 * read or write it.
 */
class MasterSecretModeTest {

    @TempDir
    Path home;

    @Test
    void initCreatesTheSecretPrivate_andAnExposedSecretStopsStartUp_untilItIsPrivateAgain() throws Exception {
        CliHarness cli = new CliHarness(home);
        CliHarness.Result init = cli.run("init"); // the real init on an empty home, not the test seed
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path secret = home.resolve("secrets/master.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        CliHarness.Result refused = cli.run("tenant", "list");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("master secret file " + secret + " has mode 0644 (rw-r--r--)",
                "chmod 600 " + secret);

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertThat(cli.run("tenant", "list").exitCode()).isZero();
    }
}
